// The preview frame's runtime (served from the preview origin, inside <iframe sandbox> and a CSP
// `sandbox` header, so its origin is opaque: no cookies, no storage, no network).
//
// It receives code from the parent by postMessage, transpiles it with sucrase (line numbers are
// preserved, so a stack line in the blob module *is* the canvas line), loads it as a blob: ES module
// whose bare imports resolve through the page's import map, mounts the default export and reports
// back: ready, rendered, error, console, heartbeat. Every message carries the channel token the parent
// put in our URL; we send diagnostics only and never receive secrets.
//
// The same file runs the standalone export (a single HTML file opened from disk): there the code sits
// in <script type="text/plain" id="canvas-source"> and nothing is posted anywhere.
import { transform } from "sucrase";

// React comes through the import map (the same instance as the user's code), and only when a
// React app runs: an HTML page's frame does not download it.
let reactLoading = null;
function loadReact() {
  if (!reactLoading) {
    reactLoading = Promise.all([import("react"), import("react-dom"), import("react-dom/client")])
      .then(([React, ReactDOM, client]) => ({ React, flushSync: ReactDOM.flushSync, createRoot: client.createRoot, Boundary: makeBoundary(React) }));
  }
  return reactLoading;
}

const RUNTIME_VERSION = 1;
const sourceElement = document.getElementById("canvas-source");
const STANDALONE = !!sourceElement;
const CHANNEL = new URLSearchParams(location.search).get("ch") || "";
const MAX_TEXT = 4000;
const CONSOLE_BUDGET = 40; // console messages per second forwarded to the parent

// Natives, captured before any generated code can replace them.
const native = {
  setTimeout: window.setTimeout.bind(window),
  clearTimeout: window.clearTimeout.bind(window),
  setInterval: window.setInterval.bind(window),
  clearInterval: window.clearInterval.bind(window),
  raf: window.requestAnimationFrame.bind(window),
  now: () => performance.now(),
  post: window.parent.postMessage.bind(window.parent),
  console: { ...console },
  createObjectURL: URL.createObjectURL.bind(URL),
};

const importMap = (() => {
  try {
    return JSON.parse(document.querySelector('script[type="importmap"]').textContent).imports || {};
  } catch {
    return {};
  }
})();
const AVAILABLE = Object.keys(importMap).filter((s) => !s.startsWith("@/") && !s.includes("/addons/") && !s.includes("/examples/"));
const UI_NAMES = Object.keys(importMap).filter((s) => s.startsWith("@/components/ui/")).map((s) => s.slice(16));

function post(type, payload = {}) {
  if (STANDALONE) return;
  try {
    native.post({ channel: CHANNEL, type, ...payload }, "*");
  } catch {
    /* an uncloneable payload: drop it rather than break the app */
  }
}

const clip = (text, max = MAX_TEXT) => (text.length > max ? `${text.slice(0, max)}…` : text);

// --- console capture (rate-limited) ------------------------------------------------------------------

function formatValue(value, depth = 0) {
  if (typeof value === "string") return value;
  if (value instanceof Error) return value.stack && value.stack.includes(value.message) ? value.stack : `${value.name}: ${value.message}`;
  if (typeof value === "function") return `[Function ${value.name || "anonymous"}]`;
  if (typeof value === "symbol" || typeof value === "bigint") return String(value);
  if (value === undefined) return "undefined";
  if (value && typeof value === "object" && value.nodeType === 1) return `<${value.tagName.toLowerCase()}>`;
  try {
    const seen = new WeakSet();
    return JSON.stringify(value, (key, v) => {
      if (typeof v === "bigint") return `${v}n`;
      if (typeof v === "function") return `[Function ${v.name || "anonymous"}]`;
      if (v && typeof v === "object") {
        if (seen.has(v)) return "[Circular]";
        seen.add(v);
      }
      return v;
    }) ?? String(value);
  } catch {
    return depth ? "[Object]" : String(value);
  }
}

let consoleSent = 0;
let consoleDropped = 0;
native.setInterval(() => {
  if (consoleDropped) post("console", { run: currentRun, level: "warn", text: `… ${consoleDropped} more console messages were not shown` });
  consoleSent = 0;
  consoleDropped = 0;
}, 1000);

function forward(level, args) {
  if (consoleSent >= CONSOLE_BUDGET) {
    consoleDropped += 1;
    return;
  }
  consoleSent += 1;
  post("console", { run: currentRun, level, text: clip(args.map((a) => formatValue(a)).join(" ")) });
}

for (const level of ["log", "info", "warn", "error", "debug"]) {
  console[level] = (...args) => {
    forward(level, args);
    native.console[level](...args);
  };
}
console.table = (data, ...rest) => { forward("log", [data, ...rest]); native.console.table?.(data, ...rest); };
console.assert = (ok, ...args) => { if (!ok) forward("error", ["Assertion failed:", ...args]); };

// --- shims: storage in memory, dialogs that do not block ----------------------------------------------

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

// --- no way out: pop-ups and peer connections -------------------------------------------------------------
// The sandbox and CSP stop top navigation, pop-ups and fetches. Two channels remain that CSP does not
// cover: the frame navigating itself (location.href = "https://…?data"; the Navigation API that could
// cancel it is disabled for opaque origins) and WebRTC. Remove what we can here; the parent treats any
// second load of the frame as an escape and removes it (frame-host.js). Only the canvas code, never a
// secret, is in here to leak.
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

// --- error reporting ----------------------------------------------------------------------------------

let currentRun = 0;
let runErrors = 0;
// URL (blob: or sourceURL name) → how many canvas lines precede line 1 of that script.
const userScripts = new Map();

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

function report(error) {
  runErrors += 1;
  const payload = {
    run: currentRun,
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

function fromThrown(thrown, phase, extra = {}) {
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

let overlay = null;
function showErrorOverlay(error) {
  // In the app, the parent shows errors beside the code (and the Boundary says a render crashed);
  // a standalone export has no parent, so it says it here.
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

// Hooks that may claim an error event before the generic report (see loadModuleChecked).
const errorHooks = new Set();

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
  // on* attributes set by the page's own scripts: adoptHandlers turns them into handlers anyway.
  if (event.effectiveDirective === "script-src-attr") return;
  const key = `${event.effectiveDirective} ${event.blockedURI}`;
  if (violations.has(key)) return;
  violations.add(key);
  const what = event.blockedURI && event.blockedURI !== "inline" && event.blockedURI !== "eval" ? event.blockedURI : event.blockedURI || "content";
  forward("warn", [`Blocked by the preview sandbox (${event.effectiveDirective}): ${clip(String(what), 200)}. The preview has no network access.`]);
});

// --- loading code ---------------------------------------------------------------------------------------

const EXTENSIONS = { tsx: "tsx", jsx: "jsx", javascript: "js", html: "html" };
let scriptCounter = 0;

function sucrase(code, { typescript, classic } = {}) {
  const transforms = typescript ? ["typescript", "jsx"] : ["jsx"];
  return transform(code, {
    transforms,
    jsxRuntime: classic ? "classic" : "automatic",
    production: true,
    disableESTransforms: true,
  }).code;
}

function transpileError(error, code = "") {
  const match = String(error.message).match(/\((\d+):(\d+)\)\s*$/);
  const found = {
    phase: "transpile",
    name: "SyntaxError",
    message: String(error.message).replace(/\s*\(\d+:\d+\)\s*$/, ""),
    line: match ? Number(match[1]) : null,
    column: match ? Number(match[2]) : null,
  };
  return unclosedTag(code, found) || found;
}

// A JSX start tag: `<Name` where an expression may begin (not `a < b`).
const START_TAG = /(^|[(>?:=,&|{}[\]]|\breturn)\s*<([A-Za-z][\w.:-]*)/gm;
const ATTRIBUTE_LINE = /^\s*(?:<[A-Za-z][\w.:-]*)?\s*(?:(?:[\w-]+(?:=|\s|$)|\{\s*\.\.\.)|$)/;

/**
 * Sucrase stops where its parser gets lost, which for a start tag missing its `>` is lines later (or
 * nowhere: "Expected either /> or > at the end of the tag."). Find that tag: its attributes run into a
 * line that starts another tag. The `>` is missing after the tag's last attribute line.
 */
function unclosedTag(code, found) {
  if (!code) return null;
  START_TAG.lastIndex = 0;
  for (let m = START_TAG.exec(code); m; m = START_TAG.exec(code)) {
    let depth = 0;
    let quote = "";
    let attributesEnd = -1; // the end of the tag's last line that looked like attributes
    let attributes = true;
    let unclosed = false;
    for (let i = m.index + m[0].length; i < code.length && !unclosed; i++) {
      const c = code[i];
      if (quote) {
        if (c === quote) quote = "";
      } else if (c === '"' || c === "'" || c === "`") {
        quote = c;
      } else if (c === "{") {
        depth += 1;
      } else if (c === "}") {
        depth -= 1;
      } else if (depth === 0 && (c === ">" || (c === "/" && code[i + 1] === ">"))) {
        break; // the tag is closed
      } else if (c === "\n" && depth === 0) {
        if (attributes) attributesEnd = i;
        const end = code.indexOf("\n", i + 1);
        const next = code.slice(i + 1, end === -1 ? code.length : end);
        if (/^\s*</.test(next)) unclosed = true; // another tag starts: ours never got its `>`
        else if (!ATTRIBUTE_LINE.test(next)) attributes = false; // text, not attributes
      }
    }
    if (!unclosed || attributesEnd < 0) continue;
    const line = lineAt(code, attributesEnd);
    if (found.line && line > found.line) continue; // not the cause of this error
    const lineText = code.slice(code.lastIndexOf("\n", attributesEnd - 1) + 1, attributesEnd);
    return {
      ...found,
      message: `Expected ">" to end the <${m[2]}> tag (it runs into the next tag)`,
      line,
      column: lineText.trimEnd().length + 1,
    };
  }
  return null;
}

// Static imports and re-exports start a line (sucrase keeps the layout); import("x") may be anywhere.
const IMPORT_RE = /^[ \t]*(?:import|export)\s*(?:type\s+)?(?:[\w$*{}\s,]+?\s*from\s*)?["']([^"'\n]+)["']|\bimport\s*\(\s*["']([^"'\n]+)["']\s*\)/gm;

function lineAt(text, index) {
  let line = 1;
  for (let i = text.indexOf("\n"); i !== -1 && i < index; i = text.indexOf("\n", i + 1)) line += 1;
  return line;
}

/** `import "./App.css"` and the like: nothing to load in one file; drop them (lines kept), say so. */
function dropStyleImports(code) {
  return code.replace(/^([ \t]*)import\s*(?:[\w$]+\s+from\s*)?["']([^"'\n]+\.(?:css|scss|sass|less))["'];?/gm, (whole, indent, spec) => {
    forward("warn", [`Ignored import "${spec}": the preview runs this one file; put styles in the file or use Tailwind classes.`]);
    return indent + " ".repeat(Math.max(0, whole.length - indent.length));
  });
}

/** The first import this preview cannot satisfy, as an error (or null). */
function checkImports(code) {
  IMPORT_RE.lastIndex = 0;
  for (let m = IMPORT_RE.exec(code); m; m = IMPORT_RE.exec(code)) {
    const spec = m[1] || m[2];
    if (importMap[spec] || spec.startsWith("blob:")) continue;
    const line = lineAt(code, m.index + m[0].indexOf(spec));
    let message;
    if (/^(https?:)?\/\//.test(spec)) {
      message = `Cannot import "${spec}": the preview has no network access. Available modules: ${AVAILABLE.join(", ")}.`;
    } else if (spec.startsWith(".") || spec.startsWith("/")) {
      message = `Cannot import "${spec}": the preview runs this one file only. Put that code in this file.`;
    } else if (spec.startsWith("@/components/ui/")) {
      message = `Cannot import "${spec}": that shadcn/ui component is not available. Available: ${UI_NAMES.join(", ")}.`;
    } else {
      message = `Cannot import "${spec}": that module is not available in the preview. Available modules: ${AVAILABLE.join(", ")}, and shadcn/ui under @/components/ui/<name>.`;
    }
    return { phase: "import", name: "ModuleNotFound", message, line, column: null, module: spec };
  }
  return null;
}

/** "does not provide an export named X": find the import line that names X. */
function missingExport(error, code) {
  const match = String(error.message).match(/module '([^']+)' does not provide an export named '([^']+)'/);
  if (!match) return null;
  const [, spec, name] = match;
  const re = new RegExp(`import[^;]*\\b${name.replace(/[$]/g, "\\$")}\\b[^;]*from\\s*["']([^"']+)["']`, "g");
  let line = null;
  for (let m = re.exec(code); m; m = re.exec(code)) {
    line = lineAt(code, m.index + m[0].indexOf(name));
    break;
  }
  const module = Object.keys(importMap).find((k) => importMap[k] === spec || spec.endsWith(importMap[k])) || spec;
  return { phase: "import", name: "MissingExport", message: `"${module}" has no export named "${name}".`, line, column: null, module };
}

/**
 * Run `code` as a module through a <script type="module"> element: parse, link and evaluation errors
 * then reach window.onerror with the blob URL and line, which dynamic import() would not give.
 */
function loadModule(code, name, offset = 0) {
  return new Promise((resolve) => {
    const id = ++scriptCounter;
    const label = `canvas-${id}-${name}`;
    const url = native.createObjectURL(new Blob([`${code}\n//# sourceURL=${label}`], { type: "text/javascript" }));
    userScripts.set(url, offset);
    userScripts.set(label, offset);
    const key = `__canvasModule${id}`;
    let settled = false;
    const done = (value) => { if (!settled) { settled = true; delete window[key]; resolve(value); } };
    window[key] = (mod) => done({ ok: true, module: mod });
    const wrapper = native.createObjectURL(new Blob([`import * as m from ${JSON.stringify(url)}; window.${key}(m);`], { type: "text/javascript" }));
    const script = document.createElement("script");
    script.type = "module";
    script.src = wrapper;
    script.setAttribute("data-canvas-runtime", "module");
    // `load` fires after evaluation; if our callback did not run, an error was already reported.
    script.addEventListener("load", () => native.setTimeout(() => done({ ok: false }), 0));
    script.addEventListener("error", () => done({ ok: false }));
    document.head.append(script);
  });
}

// --- React mounting ---------------------------------------------------------------------------------------

function makeBoundary(React) {
  return class Boundary extends React.Component {
    constructor(props) {
      super(props);
      this.state = { error: null };
    }

    static getDerivedStateFromError(error) {
      return { error };
    }

    componentDidCatch(error, info) {
      report(fromThrown(error, "render", { componentStack: info?.componentStack || "" }));
    }

    render() {
      if (!this.state.error) return this.props.children;
      return React.createElement("div", {
        role: "alert",
        style: { margin: 16, padding: 16, border: "1px solid #fca5a5", background: "#fef2f2", color: "#991b1b", borderRadius: 8, font: "14px/1.45 system-ui, sans-serif" },
      }, React.createElement("strong", null, "The component crashed while rendering"), React.createElement("pre", { style: { whiteSpace: "pre-wrap", margin: "8px 0 0", font: "13px ui-monospace, monospace" } }, `${this.state.error.name}: ${this.state.error.message}`));
    }
  };
}

const isComponent = (value) => typeof value === "function" || (value && typeof value === "object" && typeof value.$$typeof === "symbol");

function pickComponent(mod) {
  if (isComponent(mod.default)) return mod.default;
  if (isComponent(mod.App)) return mod.App;
  const named = Object.entries(mod).filter(([key, value]) => /^[A-Z]/.test(key) && isComponent(value));
  return named.length === 1 ? named[0][1] : null;
}

let root = null;
let rootElement = document.getElementById("root");
const bootBody = new Set(document.body.childNodes);
const bootBodyAttributes = [...document.body.attributes].map((a) => [a.name, a.value]);
const bootTitle = document.title;
const runIntervals = new Set();
window.setInterval = (fn, ms, ...args) => {
  const id = native.setInterval(fn, ms, ...args);
  runIntervals.add(id);
  return id;
};
window.clearInterval = (id) => { runIntervals.delete(id); native.clearInterval(id); };

/** Back to an empty page between two renders in the same frame (React mode only). */
function resetPage() {
  // Every root, ours and the ones the code made itself (react-dom/client records them).
  for (const each of new Set([root, ...(globalThis.__canvasRoots || [])])) {
    try { each?.unmount(); } catch { /* a broken tree still goes */ }
  }
  globalThis.__canvasRoots?.clear();
  root = null;
  for (const id of runIntervals) native.clearInterval(id);
  runIntervals.clear();
  overlay?.remove();
  overlay = null;
  for (const node of [...document.body.childNodes]) if (!bootBody.has(node)) node.remove();
  for (const a of [...document.body.attributes]) document.body.removeAttribute(a.name);
  for (const [name, value] of bootBodyAttributes) document.body.setAttribute(name, value);
  if (!rootElement.isConnected) document.body.prepend(rootElement);
  rootElement.replaceChildren();
  document.title = bootTitle;
}

const afterPaint = () => new Promise((resolve) => {
  let done = false;
  const finish = () => { if (!done) { done = true; resolve(); } };
  native.raf(() => native.raf(finish));
  native.setTimeout(finish, 1000); // a hidden frame gets no animation frames
});

function fireLoadEvents() {
  document.dispatchEvent(new Event("DOMContentLoaded", { bubbles: true }));
  window.dispatchEvent(new Event("load"));
}

function resourceBytes() {
  let bytes = 0;
  let count = 0;
  for (const entry of performance.getEntriesByType("navigation").concat(performance.getEntriesByType("resource"))) {
    bytes += entry.transferSize || 0;
    count += 1;
  }
  return { bytes, count };
}

async function runReact(code, language, timing, options) {
  const typescript = language === "tsx" || language === "typescript";
  let out;
  const t0 = native.now();
  try {
    if (options.transpiler === "babel") out = await babelTranspile(code, typescript);
    else out = sucrase(code, { typescript });
  } catch (error) {
    report(options.transpiler === "babel" ? babelError(error) : transpileError(error, code));
    return false;
  }
  timing.transpile = native.now() - t0;
  out = dropStyleImports(out);
  const missing = checkImports(out);
  if (missing) {
    report(missing);
    return false;
  }
  const t1 = native.now();
  const loaded = await loadModuleChecked(out, `${EXTENSIONS[language] ? `app.${EXTENSIONS[language]}` : "app.js"}`);
  timing.import = native.now() - t1;
  if (!loaded.ok) return false;
  const mod = loaded.module;
  const selfRendering = /\b(createRoot|ReactDOM\.render|hydrateRoot)\s*\(/.test(code);
  const { React, flushSync, createRoot, Boundary } = await loadReact();
  const Component = selfRendering ? null : pickComponent(mod);
  const t2 = native.now();
  if (Component) {
    root = createRoot(rootElement, {
      onUncaughtError: (error, info) => report(fromThrown(error, "render", { componentStack: info?.componentStack || "" })),
      onCaughtError: () => {}, // the Boundary reports it; React would log it to the console again
    });
    try {
      flushSync(() => root.render(React.createElement(Boundary, null, React.createElement(Component))));
    } catch (error) {
      report(fromThrown(error, "render"));
      return false;
    }
  } else if (!selfRendering && language !== "javascript") {
    await afterPaint();
    if (!rootElement.childNodes.length && document.body.children.length <= bootBody.size) {
      report({
        phase: "render",
        name: "NoDefaultExport",
        message: "The code does not export a component. Add `export default function App() { … }`.",
        line: null,
      });
      return false;
    }
  }
  timing.render = native.now() - t2;
  return true;
}

async function loadModuleChecked(code, name) {
  // A missing named export is a link error whose message has no line: find it in the code.
  const before = runErrors;
  const pending = [];
  const grab = (event) => {
    const linkError = event.error && missingExport(event.error, code);
    if (linkError) pending.push(linkError);
    return !!linkError;
  };
  errorHooks.add(grab);
  try {
    const result = await loadModule(code, name);
    for (const error of pending) report(error);
    return { ...result, ok: result.ok && runErrors === before };
  } finally {
    errorHooks.delete(grab);
  }
}

// --- HTML pages and plain scripts ---------------------------------------------------------------------

// The shell's data block: where tailwind.js and the CDN stand-ins (globals/*.js) are.
const runtimeConfig = (() => {
  try {
    return JSON.parse(document.getElementById("canvas-runtime")?.textContent || "{}");
  } catch {
    return {};
  }
})();
const globalsByName = runtimeConfig.globals || {};
const loadedGlobals = new Set();

/** A CDN <script src> of a library we vendor → our copy (null: not ours; "skip": already present). */
function vendoredScript(src) {
  if (/tailwindcss|@tailwindcss\/browser|twind/.test(src)) return "tailwind";
  if (/babel(-standalone)?(\.min)?\.js|@babel\/standalone/.test(src)) return "skip";
  for (const [name, entry] of Object.entries(globalsByName)) {
    if (new RegExp(entry.pattern).test(src)) return name;
  }
  return null;
}

let tailwindLoading = null;
/** Tailwind (v4 browser build + the v3 compat layer in the shell): React apps always, HTML pages that ask for it. */
function loadTailwind() {
  if (!tailwindLoading) {
    tailwindLoading = runtimeConfig.tailwind ? new Promise((resolve) => {
      const script = document.createElement("script");
      script.src = runtimeConfig.tailwind;
      script.addEventListener("load", () => resolve(true));
      script.addEventListener("error", () => resolve(false));
      document.head.append(script);
    }) : Promise.resolve(false);
  }
  return tailwindLoading;
}

function loadGlobal(name) {
  const entry = globalsByName[name];
  if (!entry || loadedGlobals.has(name)) return Promise.resolve(true);
  const before = entry.after && !loadedGlobals.has(entry.after) ? loadGlobal(entry.after) : Promise.resolve(true);
  return before.then(() => new Promise((resolve) => {
    loadedGlobals.add(name);
    const script = document.createElement("script");
    script.src = entry.url;
    script.async = false;
    script.addEventListener("load", () => resolve(true));
    script.addEventListener("error", () => resolve(false));
    document.head.append(script);
  }));
}

/**
 * Inline on* attributes need 'unsafe-inline', which the CSP does not grant (hashes cannot be combined
 * with it). Turn them into handler properties instead ('unsafe-eval' is allowed). Attributes of the
 * parsed page are renamed to data-canvas-on* before they enter the live document, where merely setting
 * them would be reported as a violation.
 */
function disarmHandlers(root) {
  for (const el of root.querySelectorAll("*")) {
    for (const attr of [...el.attributes]) {
      if (!/^on[a-z]+$/.test(attr.name)) continue;
      el.setAttribute(`data-canvas-${attr.name}`, attr.value);
      el.removeAttribute(attr.name);
    }
  }
}

function armHandler(el, event, body) {
  try {
    // eslint-disable-next-line no-new-func
    el[event] = new Function("event", body);
  } catch (error) {
    report(fromThrown(error, "transpile", { message: `In the ${event} attribute of <${el.tagName.toLowerCase()}>: ${error.message}` }));
  }
}

function adoptHandlers(element) {
  const elements = element.nodeType === 1 ? [element, ...element.querySelectorAll("*")] : [];
  for (const el of elements) {
    for (const attr of [...el.attributes]) {
      const parked = attr.name.match(/^data-canvas-(on[a-z]+)$/);
      if (parked) {
        el.removeAttribute(attr.name);
        armHandler(el, parked[1], attr.value);
      } else if (/^on[a-z]+$/.test(attr.name)) {
        el.removeAttribute(attr.name);
        armHandler(el, attr.name, attr.value);
      }
    }
    if (el.tagName === "A" && /^\s*javascript:/i.test(el.getAttribute("href") || "")) {
      const code = el.getAttribute("href").replace(/^\s*javascript:/i, "");
      el.setAttribute("href", "#");
      el.addEventListener("click", (event) => {
        event.preventDefault();
        // eslint-disable-next-line no-new-func
        new Function(decodeURIComponent(code))();
      });
    }
  }
}

let handlerObserver = null;
function watchHandlers() {
  if (handlerObserver) return;
  handlerObserver = new MutationObserver((records) => {
    for (const record of records) {
      if (record.type === "attributes") adoptHandlers(record.target);
      else for (const node of record.addedNodes) adoptHandlers(node);
    }
  });
  handlerObserver.observe(document.documentElement, { subtree: true, childList: true, attributes: true });
}

function scriptOffsets(source) {
  const offsets = [];
  const re = /<script\b[^>]*>/gi;
  for (let m = re.exec(source); m; m = re.exec(source)) offsets.push(lineAt(source, m.index + m[0].length) - 1);
  return offsets;
}

async function runScript(script, offset, index) {
  const type = (script.getAttribute("type") || "").trim().toLowerCase();
  const src = script.getAttribute("src");
  if (src) {
    const vendored = vendoredScript(src);
    if (vendored === "skip") return;
    if (vendored === "tailwind") {
      await loadTailwind();
      return;
    }
    if (vendored) {
      await loadGlobal(vendored);
      return;
    }
    forward("warn", [`Not loaded: <script src="${clip(src, 200)}">. The preview has no network access; libraries it offers: ${Object.values(globalsByName).map((g) => g.global).join(", ")}.`]);
    return;
  }
  const code = script.textContent;
  if (!code.trim()) return;
  const label = `canvas-script-${index}.js`;
  if (type === "module") {
    const out = sucrase(code, {});
    const missing = checkImports(out);
    if (missing) {
      missing.line = missing.line + offset;
      report(missing);
      return;
    }
    await loadModule(out, `script-${index}.js`, offset);
    return;
  }
  let body = code;
  if (type === "text/babel" || type === "text/jsx" || type === "text/tsx") {
    try {
      body = sucrase(code, { classic: true, typescript: /tsx|typescript/.test(type + (script.getAttribute("data-presets") || "")) });
    } catch (error) {
      const e = transpileError(error, code);
      if (e.line) e.line += offset;
      report(e);
      return;
    }
  } else if (type && !/^(text|application)\/(javascript|ecmascript)$/.test(type)) {
    return; // data blocks: application/json, text/template, x-shader/...
  }
  const element = await new Promise((resolve) => {
    const url = native.createObjectURL(new Blob([`${body}\n//# sourceURL=${label}`], { type: "text/javascript" }));
    userScripts.set(url, offset);
    userScripts.set(label, offset);
    const el = document.createElement("script");
    el.src = url;
    el.async = false;
    for (const attr of script.attributes) if (!["src", "type", "async", "defer"].includes(attr.name)) el.setAttribute(attr.name, attr.value);
    el.addEventListener("load", () => resolve(el));
    el.addEventListener("error", () => resolve(el));
    (script.isConnected ? script.parentNode : document.body).insertBefore(el, script.isConnected ? script : null);
  });
  void element;
}

async function runHtml(source, timing) {
  const t0 = native.now();
  const parsed = new DOMParser().parseFromString(source, "text/html");
  rootElement.remove();
  watchHandlers();
  for (const attr of parsed.documentElement.attributes) document.documentElement.setAttribute(attr.name, attr.value);
  for (const attr of parsed.body.attributes) document.body.setAttribute(attr.name, attr.value);
  if (parsed.title) document.title = parsed.title;
  const offsets = scriptOffsets(source);
  const scripts = [...parsed.querySelectorAll("script")];
  const placeholders = new Map();
  for (const script of scripts) {
    const mark = parsed.createComment("script");
    placeholders.set(script, mark);
    script.replaceWith(mark);
  }
  for (const node of [...parsed.head.childNodes]) {
    if (node.nodeType === 1 && ["STYLE", "LINK"].includes(node.tagName)) document.head.append(document.importNode(node, true));
  }
  disarmHandlers(parsed.documentElement);
  const body = document.importNode(parsed.body, true);
  adoptHandlers(body);
  const liveMarks = [];
  const walker = document.createTreeWalker(body, NodeFilter.SHOW_COMMENT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) if (n.data === "script") liveMarks.push(n);
  document.body.append(...body.childNodes);
  timing.transpile = native.now() - t0;
  const t1 = native.now();
  let bodyIndex = 0;
  for (let i = 0; i < scripts.length; i++) {
    const script = scripts[i];
    const inHead = parsed.head.contains(placeholders.get(script));
    let anchor = null;
    if (!inHead) anchor = liveMarks[bodyIndex++] || null;
    // A stand-in at the script's place, so the code runs where the page put it.
    const stand = document.createElement("template");
    for (const attr of script.attributes) stand.setAttribute(attr.name, attr.value);
    stand.textContent = script.textContent;
    if (anchor) anchor.replaceWith(stand);
    await runScript(stand, offsets[i] ?? 0, i + 1);
    stand.remove();
  }
  timing.import = native.now() - t1;
  fireLoadEvents();
  return true;
}

async function runPlainScript(code, timing) {
  let out;
  const t0 = native.now();
  try {
    out = sucrase(code, {});
  } catch (error) {
    report(transpileError(error, code));
    return false;
  }
  timing.transpile = native.now() - t0;
  const t1 = native.now();
  if (/^\s*(import|export)\b/m.test(out)) {
    const missing = checkImports(out);
    if (missing) {
      report(missing);
      return false;
    }
    const loaded = await loadModuleChecked(out, "app.js");
    timing.import = native.now() - t1;
    if (!loaded.ok) return false;
    const Component = pickComponent(loaded.module);
    if (Component && !/\bcreateRoot\s*\(/.test(code)) {
      const { React, flushSync, createRoot, Boundary } = await loadReact();
      root = createRoot(rootElement);
      flushSync(() => root.render(React.createElement(Boundary, null, React.createElement(Component))));
    }
  } else {
    await new Promise((resolve) => {
      const label = "canvas-app.js";
      const url = native.createObjectURL(new Blob([`${out}\n//# sourceURL=${label}`], { type: "text/javascript" }));
      userScripts.set(url, 0);
      userScripts.set(label, 0);
      const el = document.createElement("script");
      el.src = url;
      el.addEventListener("load", resolve);
      el.addEventListener("error", resolve);
      document.body.append(el);
    });
    timing.import = native.now() - t1;
  }
  fireLoadEvents();
  return true;
}

// --- @babel/standalone, for the benchmark's comparison only ---------------------------------------------

let babelLoading = null;
function babelTranspile(code, typescript) {
  if (!babelLoading) {
    babelLoading = new Promise((resolve, reject) => {
      const script = document.createElement("script");
      script.src = document.querySelector("meta[name=canvas-babel]")?.content || "/preview/assets/bench/babel.min.js";
      script.addEventListener("load", () => resolve(window.Babel));
      script.addEventListener("error", () => reject(new Error("@babel/standalone is not built (bench only)")));
      document.head.append(script);
    });
  }
  return babelLoading.then((Babel) => Babel.transform(code, {
    filename: typescript ? "app.tsx" : "app.jsx",
    presets: [["react", { runtime: "automatic" }], ...(typescript ? [["typescript", { isTSX: true, allExtensions: true }]] : [])],
    retainLines: true,
  }).code);
}
function babelError(error) {
  return { phase: "transpile", name: "SyntaxError", message: error.message, line: error.loc?.line ?? null, column: error.loc ? error.loc.column + 1 : null };
}

// --- the run loop -------------------------------------------------------------------------------------------

let busy = Promise.resolve();
let usedOnce = false;

async function run({ run: runId, kind, language, code, transpiler, received }) {
  const timing = {};
  const start = received ?? native.now();
  currentRun = runId;
  runErrors = 0;
  let ok = false;
  if (kind === "react") {
    if (usedOnce) resetPage();
    usedOnce = true;
    await loadTailwind();
    ok = await runReact(code, language, timing, { transpiler });
  } else if (kind === "html") {
    ok = await runHtml(code, timing);
  } else {
    await loadTailwind();
    ok = await runPlainScript(code, timing);
  }
  await afterPaint();
  timing.total = native.now() - start;
  if (ok && runErrors === 0) post("rendered", { run: runId, ms: timing, transfer: resourceBytes() });
}

window.addEventListener("message", (event) => {
  if (STANDALONE || event.source !== window.parent) return;
  const data = event.data;
  if (!data || typeof data !== "object" || data.channel !== CHANNEL || data.type !== "render") return;
  if (typeof data.code !== "string") return;
  const received = native.now();
  busy = busy.then(() => run({ ...data, received })).catch((error) => report(fromThrown(error, "runtime")));
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

/** The content's height, whenever it changes: an embedding page may size the frame to it. */
function reportHeight() {
  let sent = -1;
  let queued = false;
  const measure = () => {
    queued = false;
    const html = document.documentElement;
    const height = Math.ceil(Math.max(html.getBoundingClientRect().height, document.body?.scrollHeight || 0));
    if (height === sent) return;
    sent = height;
    post("resize", { run: currentRun, height });
  };
  const observer = new ResizeObserver(() => {
    if (!queued) { queued = true; native.raf(measure); }
  });
  observer.observe(document.documentElement);
  if (document.body) observer.observe(document.body);
}
