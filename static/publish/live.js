// Published pages: follow the latest version when the publisher chose "keep up to date",
// and tell an embedding page how tall the content is (so its iframe can fit it).
(function () {
  "use strict";
  var body = document.body;
  function reportHeight() {
    if (window.parent === window) return;
    window.parent.postMessage({ type: "canvas-embed-height", height: document.documentElement.scrollHeight }, "*");
  }
  window.addEventListener("load", reportHeight);
  if (window.ResizeObserver) new ResizeObserver(reportHeight).observe(document.documentElement);

  if (body.dataset.live !== "true") return;
  var etag = body.dataset.etag;
  function poll() {
    fetch(body.dataset.contentUrl, { headers: etag ? { "If-None-Match": etag } : {}, cache: "no-store" })
      .then(function (response) {
        if (response.status === 404) {
          document.getElementById("published-content").textContent = "This page is no longer published.";
          return null;
        }
        if (response.status !== 200) return null;
        etag = response.headers.get("ETag") || etag;
        return response.json();
      })
      .then(function (data) {
        if (data && typeof data.html === "string") {
          document.getElementById("published-content").innerHTML = data.html;  // sanitized by the server
          reportHeight();
        }
      })
      .catch(function () {})
      .then(function () { setTimeout(poll, 2000); });
  }
  setTimeout(poll, 2000);
})();
