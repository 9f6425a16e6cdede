// Site-wide behaviour: htmx, dialogs, copy buttons and notices; the page layout (header menus,
// rename, panels, the create form) lives in ./layout/.
import htmx from "htmx.org";
import "htmx-ext-ws";
import { setupMessageActions } from "./chat/actions.js";
import { markOwnMessages } from "./chat/ownership.js";
import { setupChatScroll } from "./chat/scroll.js";
import { setupShortcutSliders } from "./chat/shortcuts.js";
import { setupCreateForm } from "./layout/create-form.js";
import { setupMenus } from "./layout/menus.js";
import { setupPanels } from "./layout/panels.js";
import { setupRename } from "./layout/rename.js";
import { keepTimesFresh } from "./time.js";

window.htmx = htmx;

// htmx wires the page on DOMContentLoaded, which waits for every deferred script, the large editor
// bundle included. This script is deferred too, so the document is already parsed: wire it now, or
// a click in that gap (Share, the chat form) opens a dialog whose content never loads. htmx skips
// elements it has already processed when its own init runs later.
if (document.readyState === "interactive") {
  const meta = document.querySelector('meta[name="htmx-config"]');
  if (meta) Object.assign(htmx.config, JSON.parse(meta.content));
  htmx.process(document.body);
}

/** Show a short notice in the corner; errors stay until clicked. */
export function notify(text, kind = "info") {
  const box = document.getElementById("notices");
  if (!box) return;
  const note = document.createElement("div");
  note.className = `notice ${kind}`;
  note.setAttribute("role", kind === "error" ? "alert" : "status");
  note.textContent = text;
  note.addEventListener("click", () => note.remove());
  box.append(note);
  if (kind !== "error") setTimeout(() => note.remove(), 5000);
}
window.canvasNotify = notify;

// Errors htmx does not swap (403, 404, 5xx, network) still tell the user what happened.
document.addEventListener("htmx:responseError", (event) => {
  const xhr = event.detail.xhr;
  // Refusals meant for people (rate limits, no model, bad selection) carry their own words.
  if (xhr.getResponseHeader("X-Canvas-Notice")) {
    notify(xhr.responseText, "error");
    return;
  }
  const reasons = { 403: "You are not allowed to do that.", 404: "Not found, or you no longer have access." };
  notify(reasons[xhr.status] || `The server answered ${xhr.status}. Nothing was changed.`, "error");
});
document.addEventListener("htmx:sendError", () => {
  notify("Could not reach the server. Check your connection and try again.", "error");
});

document.addEventListener("click", (event) => {
  const opener = event.target.closest("[data-open-dialog]");
  if (opener) document.getElementById(opener.dataset.openDialog)?.showModal();

  const copy = event.target.closest("[data-copy]");
  if (copy) {
    const input = document.querySelector(copy.dataset.copy);
    input.select();
    navigator.clipboard?.writeText(input.value).then(
      () => notify("Link copied."),
      () => notify("Press Ctrl+C to copy the selected link."),
    );
  }
});

// Read-only link fields select their whole text on focus, ready to copy (no inline onfocus: the CSP
// allows no inline handlers).
document.addEventListener("focusin", (event) => {
  if (event.target.matches?.("[data-select-on-focus]")) event.target.select();
});

// Auto-dismiss server-rendered notices after a while.
document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("#notices .notice:not(.error)").forEach((n) => setTimeout(() => n.remove(), 6000));
});

// --- Layout (frontend/src/layout/) ---------------------------------------------------------
setupCreateForm();
setupMenus();
setupPanels();
setupRename();

// --- Chat panel (frontend/src/chat/) -------------------------------------------------------

// This script is deferred: the document is parsed, the chat is there.
const chatPanel = document.getElementById("chat-panel");
if (chatPanel) {
  markOwnMessages(chatPanel);
  setupChatScroll(chatPanel);
}
setupShortcutSliders();
keepTimesFresh();

// Enter sends, Shift+Enter starts a new line.
document.addEventListener("keydown", (event) => {
  if (event.target.id === "chat-text" && event.key === "Enter" && !event.shiftKey && !event.isComposing) {
    event.preventDefault();
    // While the previous message is on its way, the new one waits in the box (Enter again).
    if (!event.target.form.classList.contains("htmx-request")) event.target.form.requestSubmit();
  }
});

/** Scope the next chat message to a selection ({from, to, quote}); null clears it. */
export function setChatSelection(selection) {
  const input = document.getElementById("chat-selection");
  const chip = document.getElementById("chat-selection-chip");
  if (!input || !chip) return;
  input.value = selection ? JSON.stringify(selection) : "";
  chip.hidden = !selection;
  const quote = document.getElementById("chat-selection-quote");
  if (quote) quote.textContent = selection ? selection.quote.slice(0, 120) + (selection.quote.length > 120 ? "…" : "") : "";
}
window.canvasSetChatSelection = setChatSelection;

document.addEventListener("click", (event) => {
  if (event.target.closest("[data-clear-selection]")) setChatSelection(null);
});
setupMessageActions({ notify, setChatSelection });

// A message the server took clears the form (an hx-on attribute would need eval, which the CSP
// refuses), unless the person already typed the next one meanwhile: that text stays.
let sentText = null;
document.addEventListener("htmx:configRequest", (event) => {
  if (event.detail.elt?.id === "chat-form") sentText = event.detail.parameters.text ?? null;
});
document.addEventListener("htmx:afterRequest", (event) => {
  const form = event.detail.elt;
  if (form?.id !== "chat-form" || !event.detail.successful) return;
  const box = form.querySelector("#chat-text");
  if (!box || box.value === sentText) form.reset();
  document.dispatchEvent(new CustomEvent("canvas:chat-sent"));
});

document.addEventListener("canvas:chat-sent", () => {
  setChatSelection(null);
  document.getElementById("shortcuts")?.removeAttribute("open");
});
