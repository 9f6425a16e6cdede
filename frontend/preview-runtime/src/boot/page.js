// The frame's page between runs: what it looked like at boot, the way back to that between two runs in
// the same frame, the end of a run (load events, the paint) and the content's height.
import { current, native, post } from "./channel.js";
import { hideErrorOverlay } from "./overlay.js";

export const rootElement = document.getElementById("root");
const bootBody = new Set(document.body.childNodes);
const bootBodyAttributes = [...document.body.attributes].map((a) => [a.name, a.value]);
const bootTitle = document.title;

// Intervals of a run, cleared before the next run in the same frame.
const runIntervals = new Set();
window.setInterval = (fn, ms, ...args) => {
  const id = native.setInterval(fn, ms, ...args);
  runIntervals.add(id);
  return id;
};
window.clearInterval = (id) => { runIntervals.delete(id); native.clearInterval(id); };

/** Back to an empty page between two renders in the same frame (React mode only). */
export function resetPage() {
  // Every React root: react-dom/client is the build's wrapper, which records each one (build.mjs),
  // the runtime's own and those the code created itself.
  for (const each of globalThis.__canvasRoots || []) {
    try { each.unmount(); } catch { /* a broken tree still goes */ }
  }
  globalThis.__canvasRoots?.clear();
  for (const id of runIntervals) native.clearInterval(id);
  runIntervals.clear();
  hideErrorOverlay();
  for (const node of [...document.body.childNodes]) if (!bootBody.has(node)) node.remove();
  for (const a of [...document.body.attributes]) document.body.removeAttribute(a.name);
  for (const [name, value] of bootBodyAttributes) document.body.setAttribute(name, value);
  if (!rootElement.isConnected) document.body.prepend(rootElement);
  rootElement.replaceChildren();
  document.title = bootTitle;
}

/** Nothing was rendered: the root is empty and the body holds only what it held at boot. */
export function pageIsEmpty() {
  return !rootElement.childNodes.length && document.body.children.length <= bootBody.size;
}

export const afterPaint = () => new Promise((resolve) => {
  let done = false;
  const finish = () => { if (!done) { done = true; resolve(); } };
  native.raf(() => native.raf(finish));
  native.setTimeout(finish, 1000); // a hidden frame gets no animation frames
});

/** What a page's own scripts wait for, fired once the canvas code ran. */
export function fireLoadEvents() {
  document.dispatchEvent(new Event("DOMContentLoaded", { bubbles: true }));
  window.dispatchEvent(new Event("load"));
}

/** The content's height, whenever it changes: an embedding page may size the frame to it. */
export function reportHeight() {
  let sent = -1;
  let queued = false;
  const measure = () => {
    queued = false;
    const html = document.documentElement;
    const height = Math.ceil(Math.max(html.getBoundingClientRect().height, document.body?.scrollHeight || 0));
    if (height === sent) return;
    sent = height;
    post("resize", { run: current.run, height });
  };
  const observer = new ResizeObserver(() => {
    if (!queued) { queued = true; native.raf(measure); }
  });
  observer.observe(document.documentElement);
  if (document.body) observer.observe(document.body);
}
