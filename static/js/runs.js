// Runs pages: keep a followed log scrolled to its end as chunks arrive (unless the reader scrolled up), and close
// the backfill dialog's preview when its range changes (the slots listed must be those of the range shown).
(function () {
  "use strict";

  var following = true;

  function atEnd(log) {
    return log.scrollTop + log.clientHeight >= log.scrollHeight - 8;
  }

  document.body.addEventListener("htmx:oobBeforeSwap", function (event) {
    var log = document.getElementById("run-log-text");
    if (log && (event.detail.target || event.target) === log) following = atEnd(log);
  });
  document.body.addEventListener("htmx:oobAfterSwap", function (event) {
    var log = document.getElementById("run-log-text");
    if (log && (event.detail.target || event.target) === log && following) log.scrollTop = log.scrollHeight;
  });

  function scrollLogToEnd() {
    var log = document.getElementById("run-log-text");
    if (log) log.scrollTop = log.scrollHeight;
  }
  document.body.addEventListener("htmx:afterSwap", function (event) {
    if (event.detail.target && event.detail.target.id === "run-log") scrollLogToEnd();
  });
  scrollLogToEnd();

  document.addEventListener("input", function (event) {
    var form = event.target.closest(".backfill-form");
    if (!form) return;
    var preview = form.querySelector(".backfill-preview");
    var confirm = form.querySelector('button[name="confirm"]');
    if (preview) preview.remove();
    if (confirm) confirm.remove();
  });
})();
