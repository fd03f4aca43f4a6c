// Console behaviour that needs script; everything else works as plain links and forms.
(function () {
  "use strict";

  function wireToasts(root) {
    root.querySelectorAll(".toast").forEach(function (toast) {
      if (toast.dataset.wired) return;
      toast.dataset.wired = "1";
      var close = toast.querySelector(".toast-close");
      if (close) close.addEventListener("click", function () { toast.remove(); });
      if (toast.hasAttribute("data-autohide")) setTimeout(function () { toast.remove(); }, 6000);
    });
  }

  // Move keyboard focus to the first field with an error after a form re-renders.
  function focusFirstError(root) {
    var field = root.querySelector(".has-error input, .has-error select, .has-error textarea");
    if (field) field.focus();
  }

  // Buttons with data-confirm ask before destructive actions.
  document.addEventListener("click", function (event) {
    var target = event.target.closest("[data-confirm]");
    if (target && !window.confirm(target.getAttribute("data-confirm"))) {
      event.preventDefault();
      event.stopImmediatePropagation();
    }
  }, true);

  // Dialogs: [data-dialog-open="id"] opens one, [data-dialog-close] closes its own; the server closes
  // them all with the HX-Trigger event "closeDialogs".
  document.addEventListener("click", function (event) {
    var opener = event.target.closest("[data-dialog-open]");
    if (opener) {
      var dialog = document.getElementById(opener.getAttribute("data-dialog-open"));
      if (dialog) {
        dialog.showModal();
        var first = dialog.querySelector("input, select, textarea");
        if (first) first.focus();
      }
    }
    var closer = event.target.closest("[data-dialog-close]");
    if (closer && closer.closest("dialog")) closer.closest("dialog").close();
  });
  document.body.addEventListener("closeDialogs", function () {
    document.querySelectorAll("dialog[open]").forEach(function (d) { d.close(); });
  });

  // Toasts sent by the server in HX-Trigger: {"toast": {"level": "success", "text": "..."}}.
  document.body.addEventListener("toast", function (event) {
    var detail = event.detail || {};
    var toast = document.createElement("div");
    toast.className = "toast toast-" + (detail.level || "info");
    toast.setAttribute("data-autohide", "");
    toast.textContent = detail.text || "";
    var close = document.createElement("button");
    close.type = "button";
    close.className = "toast-close";
    close.setAttribute("aria-label", "Dismiss");
    close.textContent = "×";
    toast.appendChild(close);
    document.getElementById("toasts").appendChild(toast);
    wireToasts(document);
  });

  document.addEventListener("DOMContentLoaded", function () {
    wireToasts(document);
    focusFirstError(document);
  });
  document.body.addEventListener("htmx:afterSwap", function (event) {
    wireToasts(event.target);
    focusFirstError(event.target);
  });
})();
