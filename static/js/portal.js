/* The portal's few behaviours, as a static file so the Content-Security-Policy can forbid inline
   script (portal/csp.py). Each one enhances markup that works without it. */
(function () {
  "use strict";

  // <select data-autosubmit>: submit its form on change (the <noscript> button does it without JS).
  document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
    select.addEventListener("change", function () { select.form.submit(); });
  });

  // <button data-copy="id-of-input" data-copied="已复制">: copy the input's value; shown only with JS.
  document.querySelectorAll("button[data-copy]").forEach(function (button) {
    var input = document.getElementById(button.getAttribute("data-copy"));
    var status = document.getElementById(button.getAttribute("data-status"));
    if (!input) { return; }
    button.hidden = false;
    button.addEventListener("click", function () {
      input.focus();
      input.select();
      var done = function () { if (status) { status.textContent = button.getAttribute("data-copied"); } };
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(input.value).then(done, function () { document.execCommand("copy"); done(); });
      } else {
        document.execCommand("copy");
        done();
      }
    });
  });

  // Read-only fields meant to be copied: select everything on focus.
  document.querySelectorAll("[data-select-on-focus]").forEach(function (input) {
    input.addEventListener("focus", function () { input.select(); });
  });
})();
