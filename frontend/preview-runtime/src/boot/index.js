// The preview frame's runtime (served from the preview origin, inside <iframe sandbox> and a CSP
// `sandbox` header, so its origin is opaque: no cookies, no storage, no network). build.mjs bundles
// this folder into the one boot-<hash>.js that the frame and the standalone export load.
//
// It receives code from the parent by postMessage, transpiles it (transpile.js), loads it as a blob:
// ES module whose bare imports resolve through the page's import map (loader.js), mounts the default
// export (react.js) or runs the page (html.js, script.js) and reports back: ready, rendered, error,
// console, heartbeat, resize. Every message carries the channel token the parent put in our URL; we
// send diagnostics only and never receive secrets (channel.js).
//
// The same bundle runs the standalone export (a single HTML file opened from disk): there the code sits
// in <script type="text/plain" id="canvas-source"> and nothing is posted anywhere.
import { CHANNEL, STANDALONE, current, native, post, sourceElement } from "./channel.js";
import "./console.js";
import "./shims.js";
import { fromThrown, report } from "./errors.js";
import { splitIcons } from "./icons.js";
import { mappedImports } from "./imports.js";
import { runHtml } from "./html.js";
import { loadTailwind } from "./libraries.js";
import { afterPaint, reportHeight, resetPage } from "./page.js";
import { loadReact, runReact } from "./react.js";
import { runPlainScript } from "./script.js";
import { warmUp } from "./warmup.js";

const RUNTIME_VERSION = 1;

/** What this frame downloaded, and how many of its files came from the HTTP cache instead. */
function resourceBytes() {
  let bytes = 0;
  let count = 0;
  let cached = 0;
  for (const entry of performance.getEntriesByType("navigation").concat(performance.getEntriesByType("resource"))) {
    bytes += entry.transferSize || 0;
    count += 1;
    if (entry.transferSize === 0 && entry.encodedBodySize > 0) cached += 1;
  }
  return { bytes, count, cached };
}

let busy = Promise.resolve();
let usedOnce = false;

async function run({ run: runId, kind, language, code, received }) {
  const timing = {};
  const start = received ?? native.now();
  current.run = runId;
  current.errors = 0;
  let ok = false;
  if (kind === "react") {
    if (usedOnce) resetPage();
    usedOnce = true;
    await loadTailwind();
    ok = await runReact(code, language, timing);
  } else if (kind === "html") {
    ok = await runHtml(code, timing);
  } else {
    await loadTailwind();
    ok = await runPlainScript(code, timing);
  }
  await afterPaint();
  timing.total = native.now() - start;
  if (ok && current.errors === 0) post("rendered", { run: runId, ms: timing, transfer: resourceBytes() });
}

/**
 * Load what a run of `code` will need, before the run: Tailwind, React and the libraries it imports.
 * The parent sends this to its spare frame with the canvas's current code, so the next version of
 * that code finds them ready, and their code already compiled (warmup.js). Nothing of the code runs.
 */
function warm({ kind, code }) {
  if (kind === "react" || kind === "script") loadTailwind();
  const react = kind === "react" ? loadReact() : null;
  react?.catch(() => {}); // a run that needs React reports the failure
  for (const specifier of mappedImports(splitIcons(code))) import(specifier).catch(() => {});
  if (kind === "react" || kind === "script") warmUp(react);
}

window.addEventListener("message", (event) => {
  if (STANDALONE || event.source !== window.parent) return;
  const data = event.data;
  if (!data || typeof data !== "object" || data.channel !== CHANNEL || typeof data.code !== "string") return;
  if (data.type === "warm") {
    warm(data);
  } else if (data.type === "render") {
    const received = native.now();
    busy = busy.then(() => run({ ...data, received })).catch((error) => report(fromThrown(error, "runtime")));
  }
});

if (STANDALONE) {
  const language = sourceElement.dataset.language || "jsx";
  const kind = language === "html" ? "html" : language === "javascript" ? "script" : "react";
  const raw = sourceElement.textContent.trim();
  const code = sourceElement.dataset.encoding === "base64"
    ? new TextDecoder().decode(Uint8Array.from(atob(raw), (c) => c.charCodeAt(0)))
    : sourceElement.textContent;
  run({ run: 1, kind, language, code });
} else {
  // A frame whose main thread is stuck stops beating; the parent then offers a restart.
  post("ready", { runtimeVersion: RUNTIME_VERSION });
  native.setInterval(() => post("heartbeat", { t: Date.now() }), 500);
  reportHeight();
}
