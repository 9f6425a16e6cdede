// Errors of the canvas code, reported once each with the canvas line they happened at: uncaught
// errors, rejected promises, resources that could not load and what the CSP blocked.
import { STANDALONE, clip, current, native, post } from "./channel.js";
import { formatValue, forward } from "./console.js";
import { showErrorOverlay } from "./overlay.js";

/** URL (blob: or sourceURL name) → how many canvas lines precede line 1 of that script. */
export const userScripts = new Map();

/** Hooks that may claim an error event before the generic report (see loader.js loadModuleChecked). */
export const errorHooks = new Set();

function locate(stack) {
  if (!stack) return null;
  for (const line of String(stack).split("\n")) {
    const match = line.match(/((?:blob:[^\s)]+?)|(?:canvas-[\w.-]+)):(\d+):(\d+)\)?\s*$/);
    if (!match) continue;
    const url = match[1];
    for (const [key, offset] of userScripts) {
      if (url === key || url.endsWith(key)) return { line: Number(match[2]) + offset, column: Number(match[3]) };
    }
  }
  return null;
}

/** Readable stack: user frames renamed to "line N", runtime and library frames kept short. */
function cleanStack(stack) {
  if (!stack) return "";
  const out = [];
  let folded = 0; // consecutive frames inside React and the libraries, shown as one line
  const flush = () => {
    if (folded) out.push(`    … ${folded} frame${folded === 1 ? "" : "s"} in React and the preview's libraries`);
    folded = 0;
  };
  for (const raw of String(stack).split("\n").slice(0, 40)) {
    const at = raw.match(/^\s*at (?:(.*?) \()?(.*?):(\d+):(\d+)\)?$/);
    const where = at && locate(raw);
    if (at && !where && /\/preview\/assets\/|^data:|^blob:/.test(at[2])) {
      folded += 1;
      continue;
    }
    flush();
    out.push(where ? `    at ${at[1] || "(anonymous)"} (line ${where.line}, column ${where.column})` : raw);
  }
  flush();
  return clip(out.join("\n"));
}

export function report(error) {
  current.errors += 1;
  const payload = {
    run: current.run,
    phase: error.phase,
    name: error.name || "Error",
    message: clip(String(error.message || ""), 2000),
    line: error.line ?? null,
    column: error.column ?? null,
    stack: error.stack ? cleanStack(error.stack) : "",
    componentStack: error.componentStack ? cleanStack(error.componentStack) : "",
  };
  post("error", payload);
  if (STANDALONE) native.console.error(payload);
  showErrorOverlay(payload);
}

/** An error report from whatever was thrown (an Error or any value), located in the canvas. */
export function fromThrown(thrown, phase, extra = {}) {
  const isError = thrown && typeof thrown === "object" && "message" in thrown;
  const stack = isError ? thrown.stack : "";
  const where = locate(stack) || {};
  return {
    phase,
    name: isError ? thrown.name || "Error" : typeof thrown,
    message: isError ? thrown.message : formatValue(thrown),
    stack,
    ...where,
    ...extra,
  };
}

window.addEventListener("error", (event) => {
  for (const hook of errorHooks) if (hook(event)) return;
  const target = event.target;
  if (target && target !== window && target.tagName) {
    // A resource that failed to load (an <img>, <script> or <link>): no network in the preview.
    const url = target.src || target.href || "";
    if (url && !String(url).startsWith("blob:")) forward("warn", [`Could not load ${target.tagName.toLowerCase()} ${clip(String(url), 200)}`]);
    return;
  }
  const thrown = event.error;
  const fromFile = userScripts.has(event.filename) ? { line: event.lineno + userScripts.get(event.filename), column: event.colno } : null;
  const error = thrown !== undefined && thrown !== null
    ? fromThrown(thrown, "runtime")
    : { phase: "runtime", name: "Error", message: event.message };
  if (fromFile && !error.line) Object.assign(error, fromFile);
  if (/^(Uncaught )?SyntaxError/.test(event.message || "") && fromFile) {
    Object.assign(error, { phase: "transpile", name: "SyntaxError", ...fromFile, message: String(event.message).replace(/^Uncaught (SyntaxError: )?/, "") });
  }
  report(error);
}, true);

window.addEventListener("unhandledrejection", (event) => {
  const error = fromThrown(event.reason, "runtime");
  error.message = `Unhandled promise rejection: ${error.message}`;
  report(error);
});

const violations = new Set();
document.addEventListener("securitypolicyviolation", (event) => {
  // on* attributes set by the page's own scripts: html.js turns them into handlers anyway.
  if (event.effectiveDirective === "script-src-attr") return;
  const key = `${event.effectiveDirective} ${event.blockedURI}`;
  if (violations.has(key)) return;
  violations.add(key);
  const what = event.blockedURI && event.blockedURI !== "inline" && event.blockedURI !== "eval" ? event.blockedURI : event.blockedURI || "content";
  forward("warn", [`Blocked by the preview sandbox (${event.effectiveDirective}): ${clip(String(what), 200)}. The preview has no network access.`]);
});
