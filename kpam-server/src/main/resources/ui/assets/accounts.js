// kpam web UI, accounts page: the "Access" links open a dialog with the command to copy instead
// of a page of their own. Without JavaScript the links lead to that page, which shows the same
// command (the server renders both from one method).
"use strict";

(function () {
  const dialog = document.getElementById("access-dialog");
  if (!dialog || typeof dialog.showModal !== "function") {
    return; // no dialog support: the links keep leading to the access page
  }
  const command = document.getElementById("access-command");
  const copy = document.getElementById("copy-command");
  const close = document.getElementById("close-dialog");
  let opener = null;

  document.querySelectorAll("a.access[data-command]").forEach((link) => {
    link.addEventListener("click", (event) => {
      event.preventDefault();
      opener = link;
      command.textContent = link.dataset.command;
      copy.textContent = "Copy";
      dialog.showModal();
      copy.focus();
    });
  });

  copy.addEventListener("click", () => {
    const text = command.textContent;
    const copied = () => { copy.textContent = "Copied"; };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(copied, () => fallback(copied));
    } else {
      fallback(copied);
    }
  });

  // Without the Clipboard API (plain http on another host, or permission denied): select the
  // command so that Ctrl-C copies it, and try the older copy command on the selection.
  function fallback(copied) {
    const range = document.createRange();
    range.selectNodeContents(command);
    const selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
    let done = false;
    try {
      done = document.execCommand("copy");
    } catch (e) {
      done = false;
    }
    if (done) {
      copied();
    } else {
      copy.textContent = "Selected: press Ctrl-C";
    }
  }

  close.addEventListener("click", () => dialog.close());
  // Escape closes a modal dialog by itself; either way, focus goes back to the link.
  dialog.addEventListener("close", () => {
    if (opener) {
      opener.focus();
    }
  });
})();
