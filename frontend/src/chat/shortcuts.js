// The Shortcuts menu's sliders (canvas/shortcut_menu.py): moving one names the stop and points its
// Apply button at that stop's shortcut; "Keep current" applies nothing.

function sync(slider) {
  const input = slider.querySelector("input[type=range]");
  const stops = input.dataset.stops.split(",");
  const labels = input.dataset.labels.split("|");
  const index = Number(input.value);
  const label = labels[index] ?? "";
  slider.querySelector("[data-slider-value]").textContent = label;
  input.setAttribute("aria-valuetext", label);
  const apply = slider.querySelector("[data-slider-apply]");
  apply.value = stops[index] ?? "";
  const offline = input.form?.querySelector("#chat-text")?.disabled;
  apply.disabled = !apply.value || Boolean(offline);
  apply.setAttribute("aria-label", apply.value ? `Apply: ${label}` : "Apply");
}

export function setupShortcutSliders() {
  document.addEventListener("input", (event) => {
    const slider = event.target.closest?.("[data-shortcut-slider]");
    if (slider) sync(slider);
  });
  // After a request the sliders go back to "Keep current".
  document.addEventListener("canvas:chat-sent", () => {
    for (const slider of document.querySelectorAll("[data-shortcut-slider]")) {
      const input = slider.querySelector("input[type=range]");
      input.value = input.defaultValue;
      sync(slider);
    }
  });
}
