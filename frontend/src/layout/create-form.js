// The create form's Language list follows its Kind: only the languages of that kind are offered,
// and choosing a kind picks its first (Markdown for documents, Python for code) unless the
// language already chosen fits. Options carry data-kind (templates/canvas/_create_form.html).

/** Show the languages of the chosen kind in `form`; keep a fitting choice, else pick the first. */
export function fitLanguages(form) {
  const kind = form.querySelector("select[data-language-picker]")?.value;
  const language = form.querySelector("select[name=language]");
  if (!kind || !language) return;
  let first = null;
  for (const option of language.options) {
    const fits = option.dataset.kind === kind;
    option.hidden = !fits;
    option.disabled = !fits;
    if (fits && !first) first = option;
  }
  if (language.selectedOptions[0]?.dataset.kind !== kind && first) language.value = first.value;
}

export function setupCreateForm() {
  document.addEventListener("change", (event) => {
    if (event.target.matches?.("select[data-language-picker]")) fitLanguages(event.target.form);
  });
  // The form is also swapped in by htmx after an error: fit it again then.
  document.addEventListener("htmx:afterSettle", () => {
    const form = document.getElementById("create-form");
    if (form) fitLanguages(form);
  });
  const form = document.getElementById("create-form");
  if (form) fitLanguages(form);
}
