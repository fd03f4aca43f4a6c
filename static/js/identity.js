// Identity pages: copy a secret shown once, download recovery codes as a text file.
(function () {
  "use strict";

  document.addEventListener("click", function (event) {
    var copy = event.target.closest("[data-copy]");
    if (copy) {
      var source = document.querySelector(copy.getAttribute("data-copy"));
      if (source && navigator.clipboard) {
        navigator.clipboard.writeText(source.textContent.trim()).then(function () {
          copy.textContent = "Copied";
        });
      }
      return;
    }
    var download = event.target.closest("[data-download-codes]");
    if (download) {
      event.preventDefault();
      var list = document.querySelector(download.getAttribute("data-download-codes"));
      var codes = Array.prototype.map.call(list.querySelectorAll("code"), function (c) { return c.textContent; });
      var blob = new Blob(["LakeSail recovery codes (each works once)\n\n" + codes.join("\n") + "\n"], { type: "text/plain" });
      var link = document.createElement("a");
      link.href = URL.createObjectURL(blob);
      link.download = download.getAttribute("data-filename") || "recovery-codes.txt";
      document.body.appendChild(link);
      link.click();
      link.remove();
      URL.revokeObjectURL(link.href);
    }
  });
})();
