// The workloads editors: code editors over plain textareas, SQL problems marked at their line, and the draft
// editor's autosave (debounced, conditional on the draft's ETag). Without script the textareas and forms still work.
(function () {
  "use strict";

  var AUTOSAVE_DELAY_MS = 1200;

  // A textarea[data-code-editor="sql|python"] becomes a CodeMirror editor (static/vendor/codemirror); the textarea
  // stays in the form, hidden, and holds what is typed.
  function mountEditors(root) {
    var lib = window.LakeSailCodeEditor;
    if (!lib) return;
    root.querySelectorAll("textarea[data-code-editor]").forEach(function (textarea) {
      if (textarea.codeEditor) return;
      var host = document.createElement("div");
      host.className = "code-editor";
      textarea.parentNode.insertBefore(host, textarea.nextSibling);
      var label = textarea.id && document.querySelector('label[for="' + textarea.id + '"]');
      textarea.codeEditor = lib.create(host, {
        doc: textarea.value,
        language: textarea.getAttribute("data-code-editor"),
        label: label ? label.textContent.trim() : "Code",
        readOnly: textarea.disabled || !!textarea.closest("fieldset[disabled]"),
        onChange: function (text) {
          textarea.value = text;
          textarea.dispatchEvent(new Event("input", { bubbles: true }));
        },
      });
      textarea.hidden = true;
      host.setAttribute("data-editor-for", textarea.id || "");
      if (label) label.addEventListener("click", function () { textarea.codeEditor.focus(); });
    });
  }

  // After a validation, mark its problems in the SQL editor of the page.
  function markProblems() {
    var region = document.querySelector("[data-sql-problems]");
    var textarea = document.querySelector('textarea[data-code-editor="sql"]');
    if (!region || !textarea || !textarea.codeEditor || !window.LakeSailCodeEditor) return;
    var problems = [];
    region.querySelectorAll("[data-line]").forEach(function (item) {
      problems.push({
        line: parseInt(item.getAttribute("data-line"), 10) || 1,
        column: parseInt(item.getAttribute("data-column"), 10) || 1,
        severity: item.getAttribute("data-severity") || "error",
        message: item.textContent.trim(),
      });
    });
    window.LakeSailCodeEditor.showProblems(textarea.codeEditor, problems);
  }

  // The draft editor saves itself: a pause after typing sends the form with If-Match (the ETag of the draft the
  // page last saw). A 412 shows who changed the draft; "Overwrite" saves again over their version.
  function wireAutosave(form) {
    if (form.dataset.autosaveWired) return;
    form.dataset.autosaveWired = "1";
    var etag = form.querySelector("[data-etag]");
    var timer = null;
    function schedule() {
      clearTimeout(timer);
      timer = setTimeout(function () { window.htmx.trigger(form, "autosave"); }, AUTOSAVE_DELAY_MS);
    }
    form.addEventListener("input", schedule);
    form.addEventListener("change", schedule);
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      clearTimeout(timer);
      window.htmx.trigger(form, "autosave");
    });
    form.addEventListener("htmx:configRequest", function (event) {
      if (event.detail.elt === form) event.detail.headers["If-Match"] = etag.value;
    });
    form.addEventListener("htmx:beforeSwap", function (event) {
      var status = event.detail.xhr.status;
      if (event.detail.elt === form && (status === 400 || status === 412)) {
        event.detail.shouldSwap = true;
        event.detail.isError = false;
      }
    });
    form.addEventListener("htmx:afterRequest", function (event) {
      if (event.detail.elt !== form) return;
      var tag = event.detail.xhr.getResponseHeader("ETag");
      if (tag && event.detail.xhr.status === 200) etag.value = tag;
    });
    document.addEventListener("click", function (event) {
      var overwrite = event.target.closest("[data-overwrite-etag]");
      if (!overwrite || !form.contains(overwrite)) return;
      etag.value = overwrite.getAttribute("data-overwrite-etag");
      window.htmx.trigger(form, "autosave");
    });
  }

  // Every call looks at the whole page: an outerHTML swap leaves its old target detached.
  function wire() {
    mountEditors(document);
    markProblems();
    document.querySelectorAll("form[data-autosave]").forEach(wireAutosave);
  }

  document.addEventListener("DOMContentLoaded", wire);
  document.body.addEventListener("htmx:afterSettle", wire);
})();
