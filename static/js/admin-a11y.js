/* The admin's autocomplete boxes (select2) name their text box only once something is chosen
   (select2 sets its title to the choice). Until then, name it after the field's label. */
(function () {
  "use strict";

  function nameEmptyBoxes() {
    document.querySelectorAll(".select2-selection__rendered[id^='select2-']").forEach(function (box) {
      if (box.getAttribute("title")) {
        return;
      }
      var fieldId = box.id.replace(/^select2-/, "").replace(/-container$/, "");
      var label = document.querySelector('label[for="' + fieldId + '"]');
      box.setAttribute("title", label ? label.textContent.replace(/[:*]\s*$/, "").trim() : "Choose");
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    nameEmptyBoxes();
    new MutationObserver(nameEmptyBoxes).observe(document.body, { childList: true, subtree: true });
  });
})();
