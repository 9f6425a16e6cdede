// Whole HTML pages: their head styles and body go into the frame's document, their scripts run in
// order where the page put them (CDN libraries we vendor come from our copies; JSX in text/babel
// scripts goes through sucrase), and inline on* handlers become handler properties.
import { clip, native } from "./channel.js";
import { forward } from "./console.js";
import { fromThrown, report } from "./errors.js";
import { splitIcons } from "./icons.js";
import { checkImports } from "./imports.js";
import { globalsByName, loadGlobal, loadTailwind, vendoredScript } from "./libraries.js";
import { loadModule, loadScript } from "./loader.js";
import { fireLoadEvents, rootElement } from "./page.js";
import { lineAt, sucrase, transpileError } from "./transpile.js";

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
  if (type === "module") {
    const out = splitIcons(sucrase(code, {}));
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
  await loadScript(body, `canvas-script-${index}.js`, offset, (el) => {
    el.async = false;
    for (const attr of script.attributes) if (!["src", "type", "async", "defer"].includes(attr.name)) el.setAttribute(attr.name, attr.value);
    (script.isConnected ? script.parentNode : document.body).insertBefore(el, script.isConnected ? script : null);
  });
}

export async function runHtml(source, timing) {
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
