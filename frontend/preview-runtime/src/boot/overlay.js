// The error box of a standalone export. In the app, the parent shows errors beside the code (and the
// React boundary says a render crashed); a standalone export has no parent, so it says it here.
import { STANDALONE } from "./channel.js";

let overlay = null;

export function showErrorOverlay(error) {
  if (!STANDALONE) return;
  overlay?.remove();
  overlay = document.createElement("div");
  overlay.setAttribute("data-canvas-runtime", "error");
  overlay.style.cssText = "position:fixed;left:0;right:0;bottom:0;max-height:45%;overflow:auto;z-index:2147483646;margin:0;"
    + "padding:12px 16px;background:#fef2f2;color:#991b1b;border-top:2px solid #dc2626;font:13px/1.45 ui-monospace,monospace;white-space:pre-wrap";
  const where = error.line ? ` (line ${error.line}${error.column ? `, column ${error.column}` : ""})` : "";
  overlay.textContent = `${error.name}: ${error.message}${where}`;
  document.documentElement.append(overlay);
}

export function hideErrorOverlay() {
  overlay?.remove();
  overlay = null;
}
