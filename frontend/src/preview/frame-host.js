// One sandboxed preview frame and the only channel we accept from it.
//
// The frame lives on another site (see canvas/preview/security.py) with an opaque origin, so
// `event.origin` is the string "null" and proves nothing: a message counts only if it comes from this
// iframe's window *and* carries the random channel token we put in its URL. Only the documented types
// pass, each size-checked and rate-limited. We post code into the frame (to run, or to load what it
// imports) and nothing else: no secret ever goes in.

export const SANDBOX = "allow-scripts allow-forms allow-downloads";
export const MESSAGE_TYPES = new Set(["ready", "rendered", "error", "console", "heartbeat", "resize"]);
export const MAX_MESSAGE_BYTES = 64 * 1024;
const RATE_PER_SECOND = 120;
export const HANG_AFTER_MS = 2500; // heartbeats come every 500 ms; the issue asks for < 3 s
const READY_TIMEOUT_MS = 15000;

function randomToken() {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

function approximateSize(value) {
  try {
    return JSON.stringify(value).length;
  } catch {
    return Infinity;
  }
}

/**
 * A preview iframe. `onMessage(type, data, host)` gets validated messages; `onHang(host, why)` fires once
 * when a ready frame stops beating or navigates (with the URL the page refused it, if it did),
 * `onTimeout(host)` when it never becomes ready.
 */
export class FrameHost {
  constructor({ frameUrl, parentOrigin, kind, container, onMessage, onHang, onTimeout, title = "Preview" }) {
    this.token = randomToken();
    this.onMessage = onMessage;
    this.onHang = onHang;
    this.onTimeout = onTimeout;
    this.ready = false;
    this.hung = false;
    this.destroyed = false;
    this.loads = 0;
    this.lastBeat = 0;
    this.createdAt = performance.now();
    this.queue = [];
    this.budget = { second: 0, count: 0, dropped: 0 };
    this.paused = false;

    const iframe = document.createElement("iframe");
    iframe.className = "preview-frame";
    iframe.title = title;
    iframe.setAttribute("sandbox", SANDBOX);
    iframe.setAttribute("referrerpolicy", "no-referrer");
    iframe.setAttribute("allow", "camera 'none'; microphone 'none'; geolocation 'none'; payment 'none'; usb 'none'; serial 'none'; display-capture 'none'");
    iframe.setAttribute("loading", "eager");
    const url = new URL(frameUrl);
    url.searchParams.set("ch", this.token);
    url.searchParams.set("parent", parentOrigin);
    if (kind) url.searchParams.set("kind", kind); // which runtime files the shell preloads
    iframe.src = url.toString();
    // The page's CSP frame-src refuses the frame's navigations to other origins (a link, a form
    // post): the browser reports it here, then puts an error page in the frame (the load below).
    this.refused = null;
    this.violationListener = (event) => {
      if (event.effectiveDirective === "frame-src") this.refused = { url: event.blockedURI, at: performance.now() };
    };
    document.addEventListener("securitypolicyviolation", this.violationListener);
    // A second load means the frame navigated itself somewhere: never trust what it became.
    iframe.addEventListener("load", () => {
      this.loads += 1;
      if (this.loads > 1 && !this.destroyed) {
        const refused = this.refused && performance.now() - this.refused.at < 2000 ? this.refused.url : null;
        const text = refused
          ? `The preview tried to open ${refused}; the page refused it, and the preview was stopped.`
          : "The preview navigated away from its page; it was stopped.";
        this.onMessage("console", { level: "warn", text }, this);
        this.hung = true;
        this.onHang?.(this, "navigated", 0, refused);
      }
    });
    this.iframe = iframe;
    this.listener = (event) => this.receive(event);
    window.addEventListener("message", this.listener);
    container.append(iframe);
    this.watchdog = setInterval(() => this.check(), 250);
  }

  receive(event) {
    if (this.destroyed || event.source !== this.iframe.contentWindow) return;
    const data = event.data;
    if (!data || typeof data !== "object" || data.channel !== this.token) return;
    if (typeof data.type !== "string" || !MESSAGE_TYPES.has(data.type)) return;
    const second = Math.floor(performance.now() / 1000);
    if (second !== this.budget.second) {
      this.budget.second = second;
      this.budget.count = 0;
    }
    if (++this.budget.count > RATE_PER_SECOND) {
      this.budget.dropped += 1;
      return;
    }
    if (approximateSize(data) > MAX_MESSAGE_BYTES) return;
    if (data.type === "heartbeat") {
      this.lastBeat = performance.now();
      return;
    }
    if (data.type === "ready") {
      if (this.ready) return;
      this.ready = true;
      this.lastBeat = performance.now();
      for (const message of this.queue.splice(0)) this.post(message);
    }
    this.onMessage(data.type, data, this);
  }

  post(message) {
    if (this.destroyed) return;
    if (!this.ready) {
      // Only the newest code matters to a frame that is still starting.
      if (message.type === "render") this.queue = this.queue.filter((m) => m.type !== "render");
      this.queue.push(message);
      return;
    }
    // The frame's origin is opaque: "*" is the only target that reaches it; it holds no secret.
    this.iframe.contentWindow?.postMessage({ ...message, channel: this.token }, "*");
  }

  render({ run, kind, language, code }) {
    this.post({ type: "render", run, kind, language, code });
  }

  /** Have the frame load what a run of `code` needs (Tailwind, React, its libraries), running nothing. */
  warm({ kind, code }) {
    this.post({ type: "warm", kind, code });
  }

  /** Hidden previews (tab in the background, Code mode) may be throttled: do not call that a hang. */
  setPaused(paused) {
    this.paused = paused;
    if (!paused) this.lastBeat = performance.now();
  }

  check() {
    if (this.destroyed || this.hung) return;
    const now = performance.now();
    if (this.paused || document.hidden) {
      this.lastBeat = Math.max(this.lastBeat, now);
      return;
    }
    if (!this.ready) {
      if (now - this.createdAt > READY_TIMEOUT_MS) {
        this.hung = true;
        this.onTimeout?.(this);
      }
      return;
    }
    if (now - this.lastBeat > HANG_AFTER_MS) {
      this.hung = true;
      this.onHang?.(this, "hang", now - this.lastBeat);
    }
  }

  /** Removing the element is what frees a hung renderer (reassigning src does not). */
  destroy() {
    if (this.destroyed) return;
    this.destroyed = true;
    clearInterval(this.watchdog);
    window.removeEventListener("message", this.listener);
    document.removeEventListener("securitypolicyviolation", this.violationListener);
    this.iframe.remove();
  }
}
