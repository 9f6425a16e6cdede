// What the frame captured before any generated code ran, and its only way out: diagnostics posted to
// the parent with the channel token the parent put in our URL. A standalone export (the code sits in
// <script id="canvas-source">) has no parent and posts nothing.

/** Natives, captured before generated code can replace them. */
export const native = {
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

export const sourceElement = document.getElementById("canvas-source");
export const STANDALONE = !!sourceElement;
export const CHANNEL = new URLSearchParams(location.search).get("ch") || "";
const MAX_TEXT = 4000;

/** The run being shown (its id tags every report) and how many errors it reported so far. */
export const current = { run: 0, errors: 0 };

export function post(type, payload = {}) {
  if (STANDALONE) return;
  try {
    native.post({ channel: CHANNEL, type, ...payload }, "*");
  } catch {
    /* an uncloneable payload: drop it rather than break the app */
  }
}

export const clip = (text, max = MAX_TEXT) => (text.length > max ? `${text.slice(0, max)}…` : text);
