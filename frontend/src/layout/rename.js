// Inline rename of the canvas title (templates/canvas/_title.html): "Rename" swaps the heading for
// a field of the same height; Enter saves, leaving the field saves, Esc puts the heading back.
// An unchanged or empty title left by blur is a cancel, not a request.

function parts(slot) {
  return {
    heading: slot.querySelector(".canvas-name"),
    button: slot.querySelector("[data-rename]"),
    form: slot.querySelector(".rename-form"),
    input: slot.querySelector(".rename-form input[name=title]"),
  };
}

function show(slot, editing) {
  const { heading, button, form } = parts(slot);
  heading.hidden = editing;
  if (button) button.hidden = editing;
  form.hidden = !editing;
}

function cancel(slot) {
  const { heading, input, form } = parts(slot);
  input.value = heading.textContent;
  form.querySelectorAll(".field-error").forEach((e) => e.remove());
  show(slot, false);
  parts(slot).button?.focus();
}

export function setupRename() {
  document.addEventListener("click", (event) => {
    const slot = event.target.closest("[data-rename]")?.closest("#canvas-title");
    if (!slot) return;
    show(slot, true);
    parts(slot).input.select();
  });

  document.addEventListener("keydown", (event) => {
    if (event.key !== "Escape" || !event.target.matches?.(".rename-form input[name=title]")) return;
    event.preventDefault();
    cancel(event.target.closest("#canvas-title"));
  });

  document.addEventListener("focusout", (event) => {
    const input = event.target;
    if (!input.matches?.(".rename-form input[name=title]") || input.form.hidden) return;
    const slot = input.closest("#canvas-title");
    const title = input.value.trim().replace(/\s+/g, " ");
    if (!title || title === parts(slot).heading.textContent) cancel(slot);
    else if (!input.form.classList.contains("htmx-request")) input.form.requestSubmit();
  });
}
