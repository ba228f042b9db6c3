// kpam web UI, recording page: starts the asciinema player on #player with the cast file named by
// its data-cast attribute. Without JavaScript the page shows the plain-text transcript instead.
"use strict";

(function startPlayer() {
  const element = document.getElementById("player");
  if (element === null || typeof AsciinemaPlayer === "undefined") {
    return;
  }
  AsciinemaPlayer.create(element.dataset.cast, element, {
    fit: "width",
    // Long pauses (someone reading a man page) play as two seconds; the timeline keeps them.
    idleTimeLimit: 2,
    preload: true,
  });
})();
