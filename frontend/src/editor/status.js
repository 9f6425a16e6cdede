// Connection indicator: shows the sync state in #connection-status
// (data-state connected | reconnecting | offline, "Offline · N unsent edits").

const plural = (n, word) => `${n} ${word}${n === 1 ? "" : "s"}`;

/** The text for a state: "Connected", "Reconnecting…" (or "Connecting…" before the first sync), "Offline · 3 unsent edits". */
export function statusText({ state, unsent, everSynced }) {
  if (state === "connected") return "Connected";
  if (state === "reconnecting") return everSynced ? "Reconnecting…" : "Connecting…";
  return unsent > 0 ? `Offline · ${plural(unsent, "unsent edit")}` : "Offline";
}

function statusTitle({ state, unsent }) {
  if (state === "connected") return "Your edits reach everyone as you type.";
  const pending = unsent > 0 ? ` ${plural(unsent, "edit")} will be sent when the connection is back.` : "";
  if (state === "reconnecting") return `Trying to reach the server.${pending}`;
  return `Not connected. You can keep editing; changes are kept in this browser.${pending}`;
}

/** Render a sync snapshot into the indicator element (a no-op when nothing changed). */
export function createStatusIndicator(el) {
  let last = "";
  return (snapshot) => {
    if (!el) return;
    const text = statusText(snapshot);
    const key = `${snapshot.state}|${text}|${snapshot.unsent}`;
    if (key === last) return;
    last = key;
    el.dataset.state = snapshot.state;
    el.dataset.unsent = String(snapshot.unsent);
    el.textContent = text;
    el.title = statusTitle(snapshot);
  };
}
