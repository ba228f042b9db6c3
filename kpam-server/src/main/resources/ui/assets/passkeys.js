// kpam web UI, passkeys: the forms with data-webauthn ask the browser for a passkey (create to
// register one, get to confirm a session), put its answer (PublicKeyCredential.toJSON()) in the
// hidden "credential" field and send the form. WebAuthn needs JavaScript: without it the page says
// so in its <noscript>.
"use strict";

(function () {
  const form = document.querySelector("form[data-webauthn]");
  if (!form) {
    return;
  }
  const error = document.getElementById("webauthn-error");
  const show = (message) => {
    error.textContent = message;
    error.hidden = false;
  };
  if (!window.PublicKeyCredential || !PublicKeyCredential.parseCreationOptionsFromJSON) {
    show("This browser cannot use passkeys here; use a current Chrome, Edge, Firefox or Safari.");
    form.querySelector("button").disabled = true;
    return;
  }
  form.addEventListener("submit", async (event) => {
    if (form.elements.credential.value) {
      return; // the browser's answer is in: send it
    }
    event.preventDefault();
    error.hidden = true;
    const options = JSON.parse(form.dataset.options).publicKey;
    try {
      const credential =
        form.dataset.webauthn === "create"
          ? await navigator.credentials.create({
              publicKey: PublicKeyCredential.parseCreationOptionsFromJSON(options),
            })
          : await navigator.credentials.get({
              publicKey: PublicKeyCredential.parseRequestOptionsFromJSON(options),
            });
      form.elements.credential.value = JSON.stringify(credential.toJSON());
      form.requestSubmit();
    } catch (e) {
      show(
        e && e.name === "NotAllowedError"
          ? "The passkey was not used (cancelled or timed out). Try again."
          : "The browser could not use a passkey: " + (e && e.message ? e.message : e),
      );
    }
  });
})();
