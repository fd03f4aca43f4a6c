// Infrastructure pages: copy a template parameter, fold the worker sizes away for a single-process engine, and
// keep a destroy button disabled until the name is typed (the server checks the name too; this only helps).
(function () {
  "use strict";

  function toast(level, text) {
    document.body.dispatchEvent(new CustomEvent("toast", { detail: { level: level, text: text } }));
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-infra-copy]");
    if (!button) return;
    var input = document.getElementById(button.getAttribute("data-infra-copy"));
    if (!input) return;
    input.select();
    var copied = navigator.clipboard ? navigator.clipboard.writeText(input.value) : Promise.reject();
    copied.then(function () { toast("success", "Copied."); }, function () {
      toast("info", "Press Ctrl+C to copy the selected value.");
    });
  });

  function syncEngine(form) {
    var single = form.querySelector('input[name="engine_mode"][value="single"]');
    var sizes = form.querySelector(".node-sizes");
    if (single && sizes) sizes.hidden = single.checked;
  }

  function syncConfirm(form) {
    var input = form.querySelector('input[name="confirm_name"]');
    var button = form.querySelector('button[type="submit"]');
    if (input && button) button.disabled = input.value.trim() !== form.getAttribute("data-confirm-name");
  }

  document.addEventListener("change", function (event) {
    var form = event.target.closest(".infra-cluster-form");
    if (form) syncEngine(form);
  });
  document.addEventListener("input", function (event) {
    var form = event.target.closest("form[data-confirm-name]");
    if (form) syncConfirm(form);
  });
  document.querySelectorAll(".infra-cluster-form").forEach(syncEngine);
  document.querySelectorAll("form[data-confirm-name]").forEach(syncConfirm);
})();
