// History as a side panel beside the canvas (not a modal over it): the History button opens and
// closes it, the panel loads its timeline with htmx each time it opens (versions appear while
// people work), Esc or × closes it and gives the focus back to the button.

/** Wire the panel; returns null on pages without one. */
export function setupHistoryPanel(doc = document) {
  const button = doc.getElementById("history-button");
  const side = doc.getElementById("history-side");
  if (!button || !side) return null;
  const body = side.querySelector("#history-side-body");
  const workspace = side.closest(".workspace");

  function open() {
    side.hidden = false;
    workspace?.classList.add("has-history");
    button.setAttribute("aria-expanded", "true");
    body.replaceChildren(Object.assign(doc.createElement("p"), { className: "muted", textContent: "Loading…" }));
    window.htmx.ajax("GET", button.dataset.historyUrl, { target: body, swap: "innerHTML" });
    side.focus();
  }

  function close() {
    side.hidden = true;
    workspace?.classList.remove("has-history");
    button.setAttribute("aria-expanded", "false");
    button.focus();
  }

  button.addEventListener("click", () => (side.hidden ? open() : close()));
  side.querySelector("[data-history-close]")?.addEventListener("click", close);
  side.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && !event.defaultPrevented) close();
  });
  return { open, close };
}
