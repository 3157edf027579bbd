// heed's staff pages work without this file; it only puts the keyboard focus where a
// person would look next: on the first field with an error when a page or an htmx
// swap brings one, back on the control used when it is still there, else on the notice.
(function () {
  "use strict";
  var lastFocused = null;

  function firstInvalid(root) {
    return root.querySelector('[aria-invalid="true"], [autofocus]');
  }

  function focusTarget(root) {
    var invalid = firstInvalid(root);
    if (invalid) return invalid;
    if (lastFocused) {
      var again = document.getElementById(lastFocused);
      if (again && root.contains(again)) return again;
    }
    var notice = root.querySelector(".live .notice, .live .error");
    if (notice) {
      notice.setAttribute("tabindex", "-1");
      return notice;
    }
    var heading = root.querySelector("h1");
    if (heading) heading.setAttribute("tabindex", "-1");
    return heading;
  }

  document.addEventListener("DOMContentLoaded", function () {
    var invalid = document.querySelector('main [aria-invalid="true"]');
    if (invalid && document.activeElement !== invalid && !document.querySelector("main [autofocus]")) {
      invalid.focus();
    }
  });

  document.addEventListener("htmx:beforeSwap", function () {
    var active = document.activeElement;
    lastFocused = active && active.id ? active.id : null;
  });

  document.addEventListener("htmx:afterSettle", function (event) {
    var root = document.getElementById("record") || document.getElementById("main");
    if (!root) return;
    var target = focusTarget(root);
    if (target) target.focus();
    lastFocused = null;
    void event;
  });
})();
