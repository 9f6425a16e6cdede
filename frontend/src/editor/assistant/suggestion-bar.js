// The suggestions bar in the editor toolbar: how many suggestions wait, who asked for them, and Accept all /
// Reject all for people who may edit. Hidden while there are none.
export function createSuggestionBar({ toolbar, onAcceptAll, onRejectAll }) {
  const bar = document.createElement("div");
  bar.className = "suggestion-bar";
  bar.setAttribute("role", "status");
  bar.hidden = true;
  const label = document.createElement("span");
  label.className = "suggestion-bar-label";
  const actions = document.createElement("span");
  actions.className = "suggestion-bar-actions";
  const accept = document.createElement("button");
  accept.type = "button";
  accept.className = "button small primary";
  accept.textContent = "Accept all";
  accept.addEventListener("click", onAcceptAll);
  const reject = document.createElement("button");
  reject.type = "button";
  reject.className = "button small";
  reject.textContent = "Reject all";
  reject.addEventListener("click", onRejectAll);
  actions.append(accept, reject);
  bar.append(label, actions);
  toolbar?.append(bar);

  return {
    element: bar,
    render(suggestions, { canAct }) {
      bar.hidden = suggestions.length === 0;
      if (!suggestions.length) return;
      const askers = [...new Set(suggestions.map((s) => s.askedBy).filter(Boolean))];
      const n = suggestions.length;
      label.textContent = `✦ ${n} suggestion${n === 1 ? "" : "s"} from the assistant`
        + (askers.length ? ` (asked by ${askers.join(", ")})` : "");
      actions.hidden = !canAct;
    },
  };
}
