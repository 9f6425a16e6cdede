// Canvas code runs from blob: URLs named after the canvas (`//# sourceURL=canvas-…`), so every error
// reaches window.onerror with a URL that errors.js maps back to the canvas line.
import { current, native } from "./channel.js";
import { errorHooks, report, userScripts } from "./errors.js";
import { missingExport } from "./imports.js";

let scriptCounter = 0;

function blobUrl(code, label, offset) {
  const url = native.createObjectURL(new Blob([`${code}\n//# sourceURL=${label}`], { type: "text/javascript" }));
  userScripts.set(url, offset);
  userScripts.set(label, offset);
  return url;
}

/**
 * Run `code` as a classic script named `label` (its line 1 is canvas line `offset + 1`); `place(el)`
 * puts the element into the document (by default at the end of the body). Resolves once it ran.
 */
export function loadScript(code, label, offset = 0, place = (el) => document.body.append(el)) {
  return new Promise((resolve) => {
    const el = document.createElement("script");
    el.src = blobUrl(code, label, offset);
    el.addEventListener("load", () => resolve(el));
    el.addEventListener("error", () => resolve(el));
    place(el);
  });
}

/**
 * Run `code` as a module through a <script type="module"> element: parse, link and evaluation errors
 * then reach window.onerror with the blob URL and line, which dynamic import() would not give.
 */
export function loadModule(code, name, offset = 0) {
  return new Promise((resolve) => {
    const id = ++scriptCounter;
    const url = blobUrl(code, `canvas-${id}-${name}`, offset);
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

/** loadModule, and `ok` only if it reported no error (a missing named export is found in `code`). */
export async function loadModuleChecked(code, name) {
  // A missing named export is a link error whose message has no line: find it in the code.
  const before = current.errors;
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
    return { ...result, ok: result.ok && current.errors === before };
  } finally {
    errorHooks.delete(grab);
  }
}
