// Progressive enhancement only: every page works without this file.
(function () {
  "use strict";

  // "None of these" and the other answers of a question exclude each other.
  document.querySelectorAll("fieldset.question-multi").forEach(function (group) {
    var boxes = group.querySelectorAll('input[type="checkbox"]');
    boxes.forEach(function (box) {
      box.addEventListener("change", function () {
        if (!box.checked) return;
        boxes.forEach(function (other) {
          if (other !== box && (box.hasAttribute("data-exclusive") || other.hasAttribute("data-exclusive"))) {
            other.checked = false;
          }
        });
      });
    });
  });

  // Conditional questions on the same step show only when they apply.
  document.querySelectorAll("[data-enable-when]").forEach(function (block) {
    var conditions = block.getAttribute("data-enable-when").trim().split(/\s+/).map(function (pair) {
      return pair.split("=");
    });
    function update() {
      var on = conditions.some(function (c) {
        var input = document.querySelector('input[name="' + c[0] + '"][value="' + c[1] + '"]');
        return input && input.checked;
      });
      block.hidden = !on;
      var note = block.querySelector(".condition");
      if (note) note.hidden = true;
    }
    conditions.forEach(function (c) {
      document.querySelectorAll('input[name="' + c[0] + '"]').forEach(function (input) {
        input.addEventListener("change", update);
      });
    });
    update();
  });

  // After a failed submit, move focus to the list of problems so screen readers announce it.
  var summary = document.getElementById("error-summary");
  if (summary) summary.focus();

  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () { window.print(); });
  });
})();
