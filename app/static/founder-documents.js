// The upload form's hint for the document's date follows the document type chosen.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("select[data-date-kind]").forEach(function (select) {
      const form = select.closest("form");
      const hint = form && form.querySelector("[data-date-hint-text]");
      if (!hint) return;
      function sync() {
        const option = select.options[select.selectedIndex];
        if (option && option.dataset.dateHint) hint.textContent = option.dataset.dateHint;
      }
      select.addEventListener("change", sync);
      sync();
    });
  });
})();
