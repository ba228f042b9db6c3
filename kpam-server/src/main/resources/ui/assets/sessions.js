// kpam web UI, session page: htmx replaces the live part of the page every 2 s while the
// session runs. Without this, a reader's opened <details> (a command's requests) would close
// on every refresh; htmx alone cannot keep state that exists only in the browser.
"use strict";

let openedRequests = [];

document.addEventListener("htmx:beforeSwap", (event) => {
  if (event.detail.target.id === "session-live") {
    openedRequests = Array.from(
      event.detail.target.querySelectorAll("details[open][id]"), (details) => details.id);
  }
});

document.addEventListener("htmx:afterSwap", () => {
  for (const id of openedRequests) {
    const details = document.getElementById(id);
    if (details) {
      details.open = true;
    }
  }
  openedRequests = [];
});

// While the session runs, its duration counts on between polls: the live part is swapped only
// when something changed (an idle session's poll answers 204), so the server's "12 s so far"
// would stand still. The count starts from the server's figure, not this machine's clock.
setInterval(() => {
  const duration = document.querySelector("#session-duration[data-running-ms]");
  if (duration === null) {
    return;
  }
  if (duration.dataset.seenAt === undefined) {
    duration.dataset.seenAt = String(Date.now());
  }
  const millis =
    Number(duration.dataset.runningMs) + (Date.now() - Number(duration.dataset.seenAt));
  duration.textContent = took(millis) + " so far";
}, 1000);

/** The server's UiFormat.took: "850 ms", "12 s", "3 min 05 s", "1 h 02 min". */
function took(millis) {
  if (millis < 1000) {
    return millis + " ms";
  }
  const seconds = Math.floor(millis / 1000);
  if (seconds < 60) {
    return seconds + " s";
  }
  const two = (n) => String(n).padStart(2, "0");
  if (seconds < 3600) {
    return Math.floor(seconds / 60) + " min " + two(seconds % 60) + " s";
  }
  return Math.floor(seconds / 3600) + " h " + two(Math.floor((seconds % 3600) / 60)) + " min";
}
