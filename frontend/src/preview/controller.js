// The Preview tab of code canvases: follows the live Y.Text (debounced), renders it in a sandboxed
// frame on the preview site, shows errors with their canvas line, the app's console, hang detection
// with Restart, "Fix with assistant" and Export.
import { FrameHost } from "./frame-host.js";
import { buildFixMessage, sendToAssistant } from "./assistant.js";
import { downloadCode, downloadStandalone } from "./export.js";

export const KINDS = { jsx: "react", tsx: "react", html: "html", javascript: "script" };
const MODES = ["code", "split", "preview"];
const MODE_KEY = "canvas-preview-mode";
const DEBOUNCE_MS = 250;
const MAX_CONSOLE = 300;
const MAX_IN_PLACE_RUNS = 40; // then a fresh frame, so leaks of old runs do not pile up
// A spare frame starts this long after a render, when the preview is idle: it shares the renderer
// process (and its main thread) with the frame on screen, whose app may still be animating.
const SPARE_AFTER_MS = 400;

const notify = (text, kind = "info") => {
  if (typeof window.canvasNotify === "function") window.canvasNotify(text, kind);
};

function storedMode(fallback) {
  try {
    const value = localStorage.getItem(MODE_KEY);
    return MODES.includes(value) ? value : fallback;
  } catch {
    return fallback;
  }
}

const PHASES = { transpile: "Syntax error", import: "Import error", render: "Error while rendering", runtime: "Error while running" };

/**
 * The error panel's title, said once: "SyntaxError: Unexpected token", not "Syntax error: SyntaxError:
 * …" (the status line says the phase and where). A bare "Error" is named by its phase instead.
 */
export function headline(error) {
  const message = String(error.message ?? "");
  const name = error.name && error.name !== "Error" ? error.name : PHASES[error.phase] || "Error";
  return message.startsWith(`${name}:`) ? message : `${name}: ${message}`;
}

export class PreviewController {
  constructor({ root, tabs, area, editor, config }) {
    this.root = root;
    this.tabs = tabs;
    this.area = area;
    this.editor = editor;
    this.config = config;
    this.language = root.dataset.language;
    this.kind = KINDS[this.language];
    this.title = root.dataset.title || "canvas";
    this.messagesUrl = root.dataset.messagesUrl;
    this.canEdit = root.dataset.canEdit === "true";
    this.stage = root.querySelector("[data-preview-stage]");
    this.status = tabs.querySelector("[data-preview-status]");
    this.hangBox = root.querySelector("[data-preview-hang]");
    this.errorBox = root.querySelector("[data-preview-error]");
    this.consoleBox = root.querySelector("[data-preview-console]");
    this.consoleList = root.querySelector("[data-preview-console-list]");
    this.consoleCount = root.querySelector("[data-preview-console-count]");
    this.active = null; // the frame on screen
    this.incoming = null; // a fresh frame loading behind it
    this.spare = null; // a frame booted ahead of time, empty, for the next fresh start
    this.spareTimer = 0;
    this.requestedAt = 0; // when the newest code was handed to a frame (performance.now())
    this.run = 0;
    this.shownRun = 0;
    this.inPlaceRuns = 0;
    this.renderedText = null;
    this.pending = false;
    this.timer = 0;
    this.error = null;
    this.consoleEntries = [];
    this.stopped = false; // after a hang: edits wait for Restart
    this.mode = storedMode(area.clientWidth >= 1000 ? "split" : "code");
    window.canvasPreview = this; // for tests and other features
  }

  start() {
    this.bindUi();
    this.editor.ytext.observe(() => this.schedule());
    document.addEventListener("visibilitychange", () => {
      this.active?.setPaused(!this.visible());
      if (this.visible() && this.pending) this.renderNow();
    });
    this.setMode(this.mode);
  }

  // --- UI -----------------------------------------------------------------------------------------

  bindUi() {
    for (const button of this.tabs.querySelectorAll("[data-preview-mode]")) {
      button.addEventListener("click", () => this.setMode(button.dataset.previewMode));
    }
    this.tabs.querySelector("[data-preview-reload]")?.addEventListener("click", () => this.reload());
    this.root.querySelector("[data-preview-restart]")?.addEventListener("click", () => this.reload());
    for (const button of this.root.querySelectorAll("[data-preview-fix]")) {
      button.addEventListener("click", () => this.fix(button));
    }
    this.root.querySelector("[data-preview-goto]")?.addEventListener("click", () => this.gotoError());
    this.root.querySelector("[data-preview-console-clear]")?.addEventListener("click", () => this.clearConsole());
    this.tabs.querySelector("[data-export='code']")?.addEventListener("click", () => {
      downloadCode({ code: this.text(), language: this.language, title: this.title });
      this.closeMenus();
    });
    this.tabs.querySelector("[data-export='html']")?.addEventListener("click", async () => {
      this.closeMenus();
      try {
        await downloadStandalone({ code: this.text(), language: this.language, title: this.title, url: this.config.export });
      } catch (error) {
        notify(`Export failed: ${error.message}`, "error");
      }
    });
    for (const fix of this.root.querySelectorAll("[data-preview-fix]")) {
      if (this.canEdit) continue;
      fix.disabled = true;
      fix.title = "Only editors can ask the assistant.";
    }
  }

  closeMenus() {
    for (const details of this.tabs.querySelectorAll("details[open]")) details.open = false;
  }

  setMode(mode) {
    this.mode = MODES.includes(mode) ? mode : "code";
    try { localStorage.setItem(MODE_KEY, this.mode); } catch { /* private mode */ }
    this.area.dataset.previewMode = this.mode;
    this.root.hidden = this.mode === "code";
    for (const button of this.tabs.querySelectorAll("[data-preview-mode]")) {
      const on = button.dataset.previewMode === this.mode;
      button.setAttribute("aria-selected", String(on));
      button.classList.toggle("is-active", on);
    }
    for (const frame of [this.active, this.incoming, this.spare]) frame?.setPaused(!this.visible());
    if (this.visible()) {
      if (!this.active && !this.incoming && !this.stopped) this.renderNow(true);
      else if (this.pending) this.renderNow();
    }
    // CodeMirror measures itself again when its box changed size.
    this.editor.view?.requestMeasure?.();
  }

  visible() {
    return this.mode !== "code" && !document.hidden;
  }

  setStatus(text, state) {
    this.status.textContent = text;
    this.status.dataset.state = state;
  }

  // --- rendering ----------------------------------------------------------------------------------

  text() {
    return this.editor.ytext.toString();
  }

  schedule() {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.renderNow(), DEBOUNCE_MS);
  }

  renderNow(force = false) {
    clearTimeout(this.timer);
    if (!this.visible()) {
      this.pending = true;
      return;
    }
    this.pending = false;
    if (this.stopped && !force) {
      this.setStatus("Stopped: edit the code, then Restart", "hung");
      return;
    }
    const code = this.text();
    if (!force && code === this.renderedText) return;
    this.renderedText = code;
    if (!code.trim()) {
      // Nothing to run: no frame, no error, just say so.
      this.incoming?.destroy();
      this.active?.destroy();
      this.incoming = this.active = null;
      this.clearError();
      this.setStatus("Nothing to preview yet: the canvas is empty", "idle");
      this.prepareSpare(0); // nothing on screen to compete with
      return;
    }
    this.run += 1;
    this.clearConsole(); // the console shows the current run
    const message = { run: this.run, kind: this.kind, language: this.language, code };
    // React apps re-render in the frame they are in (a starting frame keeps only the newest code);
    // HTML pages and scripts share one global scope, so each version gets a fresh frame.
    const current = this.incoming || this.active;
    const inPlace = this.kind === "react" && current && !current.hung && !force
      && this.inPlaceRuns < MAX_IN_PLACE_RUNS;
    this.setStatus("Rendering…", "busy");
    clearTimeout(this.spareTimer);
    this.requestedAt = performance.now();
    if (inPlace) {
      this.inPlaceRuns += 1;
      current.render(message);
      return;
    }
    // A fresh frame, loaded behind the current one and swapped in when it has something to show.
    this.incoming?.destroy();
    this.inPlaceRuns = 0;
    this.incoming = this.takeSpare() || this.makeFrame();
    this.incoming.render(message);
    if (!this.active) this.promote(this.incoming);
  }

  /**
   * Boot an empty frame for the next fresh start (Reload, each version of an HTML page, the first
   * render of an empty canvas) after `delay` ms without renders. Chromium never takes a sandboxed
   * frame's runtime from its HTTP cache (an opaque origin has no cache partition:
   * bench/preview_render.py measures it), so a new frame downloads and compiles it again; the spare
   * does that ahead of time. Same sandbox, same frame URL; it holds no code until it is taken.
   */
  prepareSpare(delay = SPARE_AFTER_MS) {
    clearTimeout(this.spareTimer);
    this.spareTimer = setTimeout(() => {
      if (this.spare || this.stopped || !this.visible()) return;
      this.spare = this.makeFrame();
      this.spare.iframe.inert = true;
      this.spare.warm({ kind: this.kind, code: this.text() }); // the next version likely imports the same
    }, delay);
  }

  takeSpare() {
    const spare = this.spare;
    this.spare = null;
    if (spare?.hung) spare.destroy();
    return spare && !spare.hung ? spare : null;
  }

  dropSpare() {
    clearTimeout(this.spareTimer);
    this.spare?.destroy();
    this.spare = null;
  }

  makeFrame() {
    const host = new FrameHost({
      frameUrl: this.config.frame,
      parentOrigin: window.location.origin,
      kind: this.kind,
      container: this.stage,
      title: `Preview of ${this.title}`,
      onMessage: (type, data, frame) => this.onMessage(type, data, frame),
      onHang: (frame, why, silentFor, refused) => this.onHang(frame, why, silentFor, refused),
      onTimeout: (frame) => this.onTimeout(frame),
    });
    host.iframe.classList.add("is-loading");
    host.setPaused(!this.visible());
    return host;
  }

  promote(frame) {
    if (this.active && this.active !== frame) this.active.destroy();
    this.active = frame;
    if (this.incoming === frame) this.incoming = null;
    frame.iframe.classList.remove("is-loading");
    frame.iframe.inert = false;
  }

  reload() {
    this.stopped = false;
    this.hangBox.hidden = true;
    this.incoming?.destroy();
    this.incoming = null;
    this.active?.destroy();
    this.active = null;
    this.clearError();
    this.clearConsole();
    this.renderNow(true);
  }

  onMessage(type, data, frame) {
    if (frame !== this.active && frame !== this.incoming) return;
    if (type === "ready") {
      if (this.shownRun === 0) this.setStatus("Starting…", "busy");
      return;
    }
    if (type === "resize") return; // the editor's preview fills its panel; published embeds use it
    if (typeof data.run === "number" && data.run < this.run) return; // from a run we replaced
    if (type === "console") {
      this.addConsole(data.level, String(data.text ?? ""));
      return;
    }
    if (frame === this.incoming) this.promote(frame);
    if (type === "rendered" || type === "error") this.prepareSpare();
    if (type === "rendered") {
      this.shownRun = data.run;
      if (!this.errorForRun(data.run)) this.clearError();
      const ms = data.ms && typeof data.ms.total === "number" ? ` in ${Math.round(data.ms.total)} ms` : "";
      this.setStatus(`Rendered${ms}`, "ok");
      this.root.dispatchEvent(new CustomEvent("preview:rendered", { detail: data }));
    } else if (type === "error") {
      this.shownRun = data.run;
      this.addUncaught(data);
      this.showError(data);
      this.root.dispatchEvent(new CustomEvent("preview:error", { detail: data }));
    }
  }

  onHang(frame, why, silentFor = 0, refused = null) {
    if (frame === this.spare) {
      this.dropSpare();
      return;
    }
    if (frame !== this.active && frame !== this.incoming) return;
    // The spare goes too: it shares the hung frame's renderer process, which only exits (and stops
    // spinning) once none of its frames is left.
    this.dropSpare();
    frame.destroy();
    if (frame === this.active) this.active = null;
    if (frame === this.incoming) this.incoming = null;
    this.active?.destroy();
    this.active = null;
    this.stopped = true;
    this.renderedText = null;
    const text = why === "navigated"
      ? `The preview tried to leave its page${refused ? ` (for ${refused}, which the page refused)` : ""} and was stopped.`
      : "The preview stopped responding (an endless loop?). Edit the code, then Restart.";
    this.hangBox.querySelector("[data-preview-hang-text]").textContent = text;
    this.hangBox.hidden = false;
    this.setStatus("Stopped responding", "hung");
    const error = { phase: "timeout", name: "Timeout", message: text, line: null };
    this.resetFixButtons();
    this.error = error;
    this.root.dispatchEvent(new CustomEvent("preview:hang", { detail: { why, silentFor, refused } }));
  }

  onTimeout(frame) {
    this.onHang(frame, "hang");
    this.hangBox.querySelector("[data-preview-hang-text]").textContent = "The preview did not start. Check your connection, then Restart.";
  }

  // --- errors and console ---------------------------------------------------------------------------

  errorForRun(run) {
    return this.error && this.error.run === run;
  }

  showError(error) {
    if (this.errorForRun(error.run)) return; // the first error of a run is the one that matters
    this.resetFixButtons();
    this.error = error;
    const where = error.line ? `line ${error.line}${error.column ? `, column ${error.column}` : ""}` : "";
    const phase = PHASES[error.phase] || "Error";
    this.errorBox.querySelector("[data-preview-error-title]").textContent = headline(error);
    const goto = this.errorBox.querySelector("[data-preview-goto]");
    goto.textContent = where ? `Go to ${where}` : "";
    goto.hidden = !where;
    this.errorBox.querySelector("[data-preview-error-where]").textContent = where;
    const stack = [error.stack, error.componentStack ? `Component stack:${error.componentStack}` : ""].filter(Boolean).join("\n");
    const pre = this.errorBox.querySelector("[data-preview-error-stack]");
    pre.textContent = stack;
    pre.hidden = !stack;
    this.errorBox.dataset.phase = error.phase;
    this.errorBox.hidden = false;
    this.setStatus(where ? `${phase} at ${where}` : phase, "error");
  }

  clearError() {
    this.error = null;
    this.errorBox.hidden = true;
    this.resetFixButtons();
  }

  resetFixButtons() {
    for (const fix of this.root.querySelectorAll("[data-preview-fix]")) {
      if (!fix.dataset.label) fix.dataset.label = fix.textContent;
      fix.textContent = fix.dataset.label;
      fix.disabled = !this.canEdit;
    }
    for (const note of this.root.querySelectorAll("[data-preview-fix-note]")) this.sayWhyFixFailed(note, "");
  }

  /** Why "Fix with assistant" failed, in the panel of its button (or nothing: hide it). */
  sayWhyFixFailed(note, text) {
    if (!note) return;
    note.textContent = text;
    note.hidden = !text;
    if (text) note.scrollIntoView({ block: "nearest" }); // the error panel may scroll
  }

  gotoError() {
    const line = this.error?.line;
    const view = this.editor.view;
    if (!line || !view) return;
    const doc = view.state.doc;
    const target = doc.line(Math.min(Math.max(1, line), doc.lines));
    const column = Math.max(0, Math.min((this.error.column || 1) - 1, target.length));
    view.dispatch({ selection: { anchor: target.from + column }, scrollIntoView: true });
    view.focus();
  }

  /** Uncaught errors (and failed renders) go to the console too, and count in its badge. */
  addUncaught(error) {
    const where = error.line ? ` (line ${error.line})` : "";
    const name = error.name && !String(error.message).startsWith(error.name) ? `${error.name}: ` : "";
    this.addConsole("error", `Uncaught ${name}${error.message}${where}`, { uncaught: true });
  }

  addConsole(level, text, { uncaught = false } = {}) {
    const entry = { level: ["log", "info", "warn", "error", "debug"].includes(level) ? level : "log", text: text.slice(0, 4000), uncaught };
    this.consoleEntries.push(entry);
    if (this.consoleEntries.length > MAX_CONSOLE) this.consoleEntries.shift();
    const li = document.createElement("li");
    li.className = `console-${entry.level}`;
    li.textContent = entry.text;
    this.consoleList.append(li);
    while (this.consoleList.childElementCount > MAX_CONSOLE) this.consoleList.firstElementChild.remove();
    this.consoleList.scrollTop = this.consoleList.scrollHeight;
    this.countConsole();
  }

  countConsole() {
    const lines = this.consoleEntries.length;
    const errors = this.consoleEntries.filter((e) => e.level === "error").length;
    this.consoleCount.textContent = String(lines);
    this.consoleCount.title = `${lines} line${lines === 1 ? "" : "s"}, ${errors} error${errors === 1 ? "" : "s"}`;
    this.consoleBox.dataset.errors = String(errors);
  }

  clearConsole() {
    this.consoleEntries = [];
    this.consoleList.replaceChildren();
    this.countConsole();
  }

  async fix(button) {
    if (!this.error || !this.canEdit) return;
    const text = buildFixMessage({ error: this.error, code: this.text(), language: this.language, consoleTail: this.consoleEntries });
    button.disabled = true;
    // Said on the button, or under it in its panel, not in a corner notice: one would cover the
    // Console's buttons.
    const note = button.closest("[data-preview-error], [data-preview-hang]")?.querySelector("[data-preview-fix-note]");
    this.sayWhyFixFailed(note, "");
    const label = button.textContent;
    let said = label;
    try {
      const result = await sendToAssistant(this.messagesUrl, text);
      said = result.ok ? "Sent to the chat ✓" : label;
      if (!result.ok) this.sayWhyFixFailed(note, result.text);
    } catch {
      this.sayWhyFixFailed(note, "Could not reach the server. Try again.");
    } finally {
      button.textContent = said;
      button.disabled = said !== label; // once per error: a new error brings the button back
    }
  }
}
