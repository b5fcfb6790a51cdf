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

  // Conditional questions on the same step show only when they apply. A condition on a hidden question does not
  // hold, so every block is looked at again, in page order, whenever any answer changes.
  var blocks = Array.prototype.slice.call(document.querySelectorAll("[data-enable-when]"));
  function updateConditions() {
    blocks.forEach(function (block) {
      var conditions = block.getAttribute("data-enable-when").trim().split(/\s+/).map(function (pair) {
        return pair.split("=");
      });
      block.hidden = !conditions.some(function (c) {
        var input = document.querySelector('input[name="' + c[0] + '"][value="' + c[1] + '"]');
        return input && input.checked && !input.closest("[hidden]");
      });
      var note = block.querySelector(".condition");
      if (note) note.hidden = true;
    });
  }
  if (blocks.length) {
    document.addEventListener("change", updateConditions);
    updateConditions();
  }

  // A choice that needs a field filled in (the email confirmation needs the address) shows once it is; hidden, it
  // is unticked, so nothing hidden is sent. One with a problem to fix stays in view.
  document.querySelectorAll("[data-shown-with]").forEach(function (block) {
    var field = document.getElementById(block.getAttribute("data-shown-with"));
    if (!field) return;
    function update() {
      var shown = field.value.trim() !== "" || block.classList.contains("has-error");
      block.hidden = !shown;
      if (!shown) block.querySelectorAll('input[type="checkbox"]').forEach(function (box) { box.checked = false; });
    }
    field.addEventListener("input", update);
    update();
  });

  // Where to start after a step is sent. A page re-shown with problems starts at their list, so screen readers
  // announce it. A new step starts at its first heading (the refer notice comes before "Your result"), so a screen
  // reader reads the new step and the next Tab goes to its first question instead of back through the header.
  var MOVED = "lbp-step-sent";
  var summary = document.getElementById("error-summary");
  var moved = false;
  try {
    moved = window.sessionStorage.getItem(MOVED) === "1";
    window.sessionStorage.removeItem(MOVED);
  } catch (e) { /* storage off: focus stays where the browser puts it */ }
  if (summary) {
    summary.focus();
  } else if (moved) {
    var heading = document.querySelector("main h1, main h2");
    if (heading) {
      heading.setAttribute("tabindex", "-1");
      heading.focus();
    }
  }
  document.querySelectorAll("form[data-step-form]").forEach(function (form) {
    form.addEventListener("submit", function () {
      try { window.sessionStorage.setItem(MOVED, "1"); } catch (e) { /* as above */ }
    });
  });

  // A problem's link in the list goes to the answer itself: the chosen option, or the first one, or the field.
  if (summary) {
    summary.addEventListener("click", function (event) {
      var link = event.target.closest && event.target.closest('a[href^="#"]');
      var target = link && document.getElementById(link.getAttribute("href").slice(1));
      if (!target) return;
      var field = target.matches("input, textarea, select") ? target :
        target.querySelector("input:checked") || target.querySelector('input:not([type="hidden"]), textarea, select');
      if (!field) return;
      event.preventDefault();
      var label = target.querySelector("legend") || (field.labels && field.labels[0]) || field;
      label.scrollIntoView();
      field.focus({ preventScroll: true });
    });
  }

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
    var regions = map.querySelectorAll("[role='checkbox'][data-code]");
    var named = map.querySelectorAll("li[data-code]");
    var none = map.querySelector("[data-pain-map-none]");
    function boxFor(item) {
      return group.querySelector('input[type="checkbox"][value="' + item.getAttribute("data-code") + '"]');
    }
    // The drawing and the words beside it both follow the list, whatever changed it.
    function show() {
      var any = false;
      regions.forEach(function (region) {
        var box = boxFor(region);
        region.setAttribute("aria-checked", box && box.checked ? "true" : "false");
      });
      named.forEach(function (item) {
        var box = boxFor(item);
        item.hidden = !(box && box.checked);
        any = any || !item.hidden;
      });
      if (none) none.hidden = any;
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
