// kpam web UI: small enhancements on top of pages that work without JavaScript.
// Each feature is one function below, started once the page has loaded.
"use strict";
