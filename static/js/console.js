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

  function showToast(level, text) {
    var toast = document.createElement("div");
    toast.className = "toast toast-" + (level || "info");
    toast.setAttribute("data-autohide", "");
    toast.textContent = text || "";
    var close = document.createElement("button");
    close.type = "button";
    close.className = "toast-close";
    close.setAttribute("aria-label", "Dismiss");
    close.textContent = "×";
    toast.appendChild(close);
    document.getElementById("toasts").appendChild(toast);
    wireToasts(document);
  }

  // Toasts sent by the server in HX-Trigger: {"toast": {"level": "success", "text": "..."}}.
  document.body.addEventListener("toast", function (event) {
    var detail = event.detail || {};
    showToast(detail.level, detail.text);
  });

  // [data-copy="input-id"] copies that input's value (an invitation link shown once).
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-copy]");
    if (!button) return;
    var input = document.getElementById(button.getAttribute("data-copy"));
    if (!input) return;
    input.select();
    var copied = navigator.clipboard ? navigator.clipboard.writeText(input.value) : Promise.reject();
    copied.then(function () { showToast("success", "Link copied."); }, function () {
      // No clipboard access (an insecure origin): the link is selected for Ctrl+C.
      showToast("info", "Press Ctrl+C to copy the selected link.");
    });
  });

  // After a sort or page link swaps a console list, keep keyboard focus where the user was:
  // on the same column's sort link, or at the top of the new page of rows.
  document.body.addEventListener("htmx:afterSettle", function (event) {
    var source = event.detail.requestConfig && event.detail.requestConfig.elt;
    if (!source || !source.matches("[data-sort], [data-page-link]")) return;
    var region = document.querySelector(source.getAttribute("hx-target"));
    if (!region) return;
    var sort = source.getAttribute("data-sort");
    var focus = sort ? region.querySelector('[data-sort="' + sort + '"]') : region;
    (focus || region).focus();
  });

  // The header's menu button (below 768 px the sections, search and account links fold into it).
  document.addEventListener("click", function (event) {
    var toggle = event.target.closest(".menu-toggle");
    if (!toggle) return;
    var open = toggle.getAttribute("aria-expanded") !== "true";
    toggle.setAttribute("aria-expanded", open ? "true" : "false");
    toggle.closest(".topbar").classList.toggle("open", open);
  });

  // Drop-down menus (<details class="menu">): one open at a time; a click elsewhere or Escape closes them.
  document.addEventListener("click", function (event) {
    document.querySelectorAll("details.menu[open]").forEach(function (menu) {
      if (!menu.contains(event.target)) menu.removeAttribute("open");
    });
  });
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    document.querySelectorAll("details.menu[open]").forEach(function (menu) {
      menu.removeAttribute("open");
      menu.querySelector("summary").focus();
    });
    var results = document.getElementById("global-search-results");
    var active = document.activeElement;
    if (results && (results.contains(active) || (active && active.id === "global-search-q"))) results.innerHTML = "";
  });

  // Times show in the viewer's timezone: the browser's, told to the server in a cookie (a timezone chosen in
  // the profile wins). The next page renders with it.
  function rememberTimezone() {
    var zone = window.Intl && Intl.DateTimeFormat().resolvedOptions().timeZone;
    if (!zone || !/^[A-Za-z0-9_+\-\/]+$/.test(zone)) return;  // IANA names need no cookie encoding
    if (document.cookie.split("; ").indexOf("tz=" + zone) !== -1) return;
    var secure = location.protocol === "https:" ? "; secure" : "";
    document.cookie = "tz=" + zone + "; path=/; max-age=31536000; samesite=lax" + secure;
  }

  // A table wider than a phone scrolls inside its .table-scroll box: a keyboard must reach it too, so a box that
  // scrolls becomes a focusable region named after its table.
  function focusableScrollers(root) {
    root.querySelectorAll(".table-scroll").forEach(function (box) {
      if (box.scrollWidth <= box.clientWidth || box.hasAttribute("tabindex")) return;
      var caption = box.querySelector("caption");
      box.setAttribute("tabindex", "0");
      box.setAttribute("role", "region");
      box.setAttribute("aria-label", caption ? caption.textContent.trim() : "Table");
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    rememberTimezone();
    wireToasts(document);
    focusFirstError(document);
    focusableScrollers(document);
  });
  document.body.addEventListener("htmx:afterSwap", function (event) {
    wireToasts(event.target);
    focusFirstError(event.target);
    focusableScrollers(event.target);
  });
})();
