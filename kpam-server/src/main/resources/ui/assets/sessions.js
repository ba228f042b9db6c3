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
