// Site-wide behaviour: htmx, dialogs, inline rename, copy buttons and notices.
import htmx from "htmx.org";

window.htmx = htmx;

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
  const reasons = { 403: "You are not allowed to do that.", 404: "Not found, or you no longer have access." };
  notify(reasons[xhr.status] || `The server answered ${xhr.status}. Nothing was changed.`, "error");
});
document.addEventListener("htmx:sendError", () => {
  notify("Could not reach the server. Check your connection and try again.", "error");
});

document.addEventListener("click", (event) => {
  const opener = event.target.closest("[data-open-dialog]");
  if (opener) document.getElementById(opener.dataset.openDialog)?.showModal();

  const rename = event.target.closest("[data-rename]");
  if (rename) {
    const slot = rename.closest("#canvas-title");
    const template = slot.querySelector("#rename-template");
    slot.replaceChildren(template.content.cloneNode(true));
    htmx.process(slot);
    slot.querySelector("input[name=title]")?.select();
  }

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

// Auto-dismiss server-rendered notices after a while.
document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("#notices .notice:not(.error)").forEach((n) => setTimeout(() => n.remove(), 6000));
});
