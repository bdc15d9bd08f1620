/* The printable agreement's Print button. A file, not an inline handler: the CSP allows
   scripts from this site only. Without JavaScript the button stays hidden and the page says
   to use the browser's print command. */
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-print-page]").forEach(function (button) {
      button.hidden = false;
      button.addEventListener("click", function () {
        window.print();
      });
    });
  });
})();
