/* Progressive enhancements. Every page works without them; there is no inline script (CSP). */
(function () {
  "use strict";

  // A form is sent once: a second click (or Enter) while the first submission is on its way
  // is ignored. The submitter's name and value still go with the first one.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.dataset.submitting) {
      event.preventDefault();
      return;
    }
    form.dataset.submitting = "1";
    form.setAttribute("aria-busy", "true");
  });

  // A page restored from the back/forward cache may be sent again.
  window.addEventListener("pageshow", function () {
    document.querySelectorAll("form[data-submitting]").forEach(function (form) {
      delete form.dataset.submitting;
      form.removeAttribute("aria-busy");
    });
  });

  // After an invalid submission, keyboard and screen-reader users land on the error summary.
  document.addEventListener("DOMContentLoaded", function () {
    var summary = document.querySelector(".error-summary");
    if (summary) {
      summary.focus();
    }
  });
})();
