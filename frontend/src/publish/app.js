// Published apps (/p/<token>/): run the published code in the same sandboxed frame as the
// editor's preview, follow the latest version when the publisher chose "keep up to date",
// and tell an embedding page how tall the app is. This page holds no secret and no user
// code of its own: the code goes into the sandboxed frame by postMessage.
import { FrameHost } from "../preview/frame-host.js";

const KINDS = { jsx: "react", tsx: "react", html: "html", javascript: "script" };

const POLL_MS = 2000;
// An embedded app grows to its content up to this height, then scrolls inside (the embed snippet
// caps the same number); below the minimum an empty or failing app would vanish.
export const MAX_EMBED_HEIGHT = 4000;
const MIN_EMBED_HEIGHT = 120;
const EMBEDDED = window.parent !== window;

function reportHeight(height) {
  if (!EMBEDDED) return;
  window.parent.postMessage({ type: "canvas-embed-height", height }, "*");
}

function start() {
  const root = document.getElementById("published-app");
  if (!root) return;
  const { frameUrl, contentUrl, live } = root.dataset;
  let etag = null;
  let run = 0;
  let host = null;
  let lastCode = null;
  let language = root.dataset.language;

  function fitHeight(frame) {
    if (!EMBEDDED || frame.contentHeight === undefined) return;
    const height = Math.round(Math.min(Math.max(frame.contentHeight, MIN_EMBED_HEIGHT), MAX_EMBED_HEIGHT));
    root.style.height = `${height}px`;
    reportHeight(height);
  }

  function show(code) {
    if (code === lastCode && host && !host.hung) return;
    lastCode = code;
    run += 1;
    // A fresh frame for every version: nothing of the old run survives into the new one.
    const next = new FrameHost({
      frameUrl: new URL(frameUrl, window.location.href).toString(),
      parentOrigin: window.location.origin,
      container: root,
      title: document.title,
      onMessage: (type, data) => {
        if (type === "rendered" || type === "error") {
          if (host && host !== next) host.destroy();
          host = next;
          next.iframe.classList.add("is-shown");
          fitHeight(next);
        }
        if (type === "resize") {
          // The frame says how tall the app is (already validated by FrameHost: this frame, its
          // token). Embedded, the page takes that height and tells the embedding page.
          if (Number.isFinite(data.height)) next.contentHeight = data.height;
          if (host === next) fitHeight(next);
          return;
        }
        if (type === "error") root.dataset.error = data.message || "error";
        else if (type === "rendered") delete root.dataset.error;
      },
      onHang: () => { root.dataset.error = "The app stopped responding."; },
    });
    next.render({ run, kind: KINDS[language], language, code });
  }

  async function load() {
    const response = await fetch(contentUrl, { headers: etag ? { "If-None-Match": etag } : {}, cache: "no-store" });
    if (response.status === 404) {
      root.replaceChildren(Object.assign(document.createElement("p"), { className: "gone", textContent: "This app is no longer published." }));
      return false;
    }
    if (response.status === 200) {
      etag = response.headers.get("ETag");
      const data = await response.json();
      language = data.language || language;
      show(data.code);
    }
    return true;
  }

  load().then((ok) => {
    if (!ok || live !== "true") return;
    const poll = () => load().catch(() => true).then((still) => { if (still) setTimeout(poll, POLL_MS); });
    setTimeout(poll, POLL_MS);
  });
}

if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
else start();
