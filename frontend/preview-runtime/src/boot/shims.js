// What the page's globals become in the frame: storage in memory (an opaque origin has none), dialogs
// that do not block, and no way out through pop-ups or peer connections.
import { STANDALONE, clip, native } from "./channel.js";
import { formatValue, forward } from "./console.js";

function memoryStorage() {
  const data = new Map();
  const api = {
    get length() { return data.size; },
    key: (i) => [...data.keys()][i] ?? null,
    getItem: (k) => (data.has(String(k)) ? data.get(String(k)) : null),
    setItem: (k, v) => { data.set(String(k), String(v)); },
    removeItem: (k) => { data.delete(String(k)); },
    clear: () => data.clear(),
  };
  return new Proxy(api, {
    get: (target, prop) => (prop in target || typeof prop === "symbol" ? target[prop] : target.getItem(prop)),
    set: (target, prop, value) => { target.setItem(prop, value); return true; },
    deleteProperty: (target, prop) => { target.removeItem(prop); return true; },
    ownKeys: () => [...data.keys()],
    getOwnPropertyDescriptor: (target, prop) => (data.has(prop) ? { value: data.get(prop), enumerable: true, configurable: true } : undefined),
  });
}

for (const name of ["localStorage", "sessionStorage"]) {
  let works = false;
  try {
    works = !!window[name] && (window[name].getItem("__probe__"), true);
  } catch {
    works = false;
  }
  if (!works) Object.defineProperty(window, name, { value: memoryStorage(), configurable: true, enumerable: true });
}

function notice(text) {
  const box = document.createElement("div");
  box.setAttribute("data-canvas-runtime", "notice");
  box.setAttribute("role", "status");
  box.textContent = text;
  box.style.cssText = "position:fixed;right:12px;bottom:12px;z-index:2147483647;max-width:320px;padding:10px 14px;"
    + "background:#1f2937;color:#fff;font:14px/1.4 system-ui,sans-serif;border-radius:8px;box-shadow:0 4px 16px rgba(0,0,0,.25);white-space:pre-wrap";
  box.addEventListener("click", () => box.remove());
  document.documentElement.append(box);
  native.setTimeout(() => box.remove(), 4000);
}

if (!STANDALONE) {
  window.alert = (message = "") => {
    forward("info", [`alert: ${formatValue(message)}`]);
    notice(formatValue(message));
  };
  window.confirm = (message = "") => {
    forward("info", [`confirm: ${formatValue(message)} → OK (dialogs do not block in the preview)`]);
    return true;
  };
  window.prompt = (message = "", value = "") => {
    forward("info", [`prompt: ${formatValue(message)} → "${value ?? ""}"`]);
    return value ?? "";
  };
}

// No way out. The sandbox and CSP stop top navigation, pop-ups and fetches. Two channels remain that
// CSP does not cover: the frame navigating itself (location.href = "https://…?data"; the Navigation API
// that could cancel it is disabled for opaque origins) and WebRTC. Remove what we can here; the parent
// treats any second load of the frame as an escape and removes it (frame-host.js). Only the canvas
// code, never a secret, is in here to leak.
if (!STANDALONE) {
  // Pop-ups are blocked by the sandbox anyway; window.open(url, "_self") would navigate this frame.
  window.open = (url) => {
    forward("warn", [`Blocked window.open(${clip(String(url ?? ""), 200)}): the preview cannot open windows.`]);
    return null;
  };
  for (const name of ["RTCPeerConnection", "webkitRTCPeerConnection", "RTCDataChannel", "RTCIceTransport", "WebTransport"]) {
    try { delete window[name]; } catch { /* not configurable */ }
    try { if (window[name]) Object.defineProperty(window, name, { value: undefined, configurable: false, writable: false }); } catch { /* keep going */ }
  }
}
