// Preview entry point (static/dist/preview.js): on code canvases in jsx, tsx, html or javascript,
// starts the Preview tab once the editor is up (it reads window.canvasEditor.ytext, the live text).
import { PreviewController } from "./controller.js";

async function loadConfig(url) {
  const response = await fetch(url, { credentials: "same-origin" });
  if (!response.ok) throw new Error(`preview config: ${response.status}`);
  return response.json();
}

async function start(editor) {
  const root = document.getElementById("preview-root");
  const tabs = document.getElementById("preview-tabs");
  const area = document.getElementById("canvas-area");
  if (!root || !tabs || !area || root.dataset.started) return;
  root.dataset.started = "true";
  try {
    const config = await loadConfig(root.dataset.configUrl);
    new PreviewController({ root, tabs, area, editor, config }).start();
  } catch (error) {
    console.error(error);
    const status = tabs.querySelector("[data-preview-status]");
    if (status) status.textContent = "The preview is unavailable.";
  }
}

function boot() {
  if (!document.getElementById("preview-root")) return;
  if (window.canvasEditor?.ytext) start(window.canvasEditor);
  else document.addEventListener("canvas:editor-ready", (event) => start(event.detail), { once: true });
}

if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", boot);
else boot();
