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

// The pain map: each region stands for one checkbox of its question and toggles it; the list stays the answer.
(function () {
  "use strict";
  document.querySelectorAll("[data-pain-map]").forEach(function (map) {
    var group = map.closest("fieldset");
    if (!group) return;
    var regions = map.querySelectorAll("[data-code]");
    function boxFor(region) {
      return group.querySelector('input[type="checkbox"][value="' + region.getAttribute("data-code") + '"]');
    }
    function show() {
      regions.forEach(function (region) {
        var box = boxFor(region);
        region.setAttribute("aria-checked", box && box.checked ? "true" : "false");
      });
    }
    function toggle(region) {
      var box = boxFor(region);
      if (!box) return;
      box.checked = !box.checked;
      box.dispatchEvent(new Event("change", { bubbles: true }));
    }
    regions.forEach(function (region) {
      region.addEventListener("click", function () { toggle(region); });
      region.addEventListener("keydown", function (event) {
        if (event.key === " " || event.key === "Enter") {
          event.preventDefault(); // Space would scroll the page, Enter would submit the form
          toggle(region);
        }
      });
    });
    group.addEventListener("change", show);
    map.hidden = false;
    show();
  });
})();

// Copy-friendly private links: a Copy button, and the whole link selected when the field is focused.
(function () {
  "use strict";
  document.querySelectorAll("[data-select-on-focus]").forEach(function (input) {
    input.addEventListener("focus", function () { input.select(); });
  });
  document.querySelectorAll("[data-copy]").forEach(function (button) {
    var input = document.getElementById(button.getAttribute("data-copy"));
    var status = button.closest("section") && button.closest("section").querySelector(".copy-status");
    if (!input) return;
    button.hidden = false;
    button.addEventListener("click", function () {
      function done() {
        if (status) status.textContent = status.getAttribute("data-copied-text") || "";
      }
      input.select();
      if (navigator.clipboard && navigator.clipboard.writeText) {
        navigator.clipboard.writeText(input.value).then(done, function () { /* the link stays selected */ });
      } else if (document.execCommand && document.execCommand("copy")) {
        done();
      }
    });
  });
})();
