// kpam web UI, recording page: starts the asciinema player on #player with the cast file named by
// its data-cast attribute. Without JavaScript the page shows the plain-text transcript instead.
"use strict";

(function startPlayer() {
  const element = document.getElementById("player");
  if (element === null || typeof AsciinemaPlayer === "undefined") {
    return;
  }
  const url = element.dataset.cast;
  // Without a TTY the pod writes bare LF line ends: the user's terminal showed them as new lines
  // (its tty turns LF into CR LF, "onlcr"), a terminal emulator only moves down. Play them as the
  // user saw them; the cast file itself stays byte for byte what kubectl printed.
  const source =
    element.dataset.tty === "false"
      ? { data: () => fetchCast(url).then(withCrLf) }
      : { url: url };
  AsciinemaPlayer.create(source, element, {
    fit: "width",
    // Long pauses (someone reading a man page) play as two seconds; the timeline keeps them.
    idleTimeLimit: 2,
    // The cast is fetched when the viewer presses play: the page's first view needs no second
    // request (the transcript below is already in the HTML).
    preload: false,
  });
})();

function fetchCast(url) {
  return fetch(url, { credentials: "same-origin" }).then((response) => {
    if (!response.ok) {
      throw new Error("cannot load the recording: " + response.status);
    }
    return response.text();
  });
}

/** The asciicast v2 text with every output event's LF as CR LF. */
function withCrLf(cast) {
  return cast
    .split("\n")
    .map((line) => {
      if (!line.startsWith("[")) {
        return line;
      }
      const event = JSON.parse(line);
      if (event[1] === "o") {
        event[2] = event[2].replace(/\r?\n/g, "\r\n");
      }
      return JSON.stringify(event);
    })
    .join("\n");
}
