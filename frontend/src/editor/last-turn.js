// "✦ Last AI edit" toggle: highlights, in the text as it stands now, what the assistant's
// last turn wrote. The server gives that turn's Y update; the items it inserted are found in
// the live Y.Text by their ids, so the highlight follows every edit made since.
import * as Y from "yjs";
import { Decoration } from "@codemirror/view";
import { decorationLayer } from "./decoration-layer.js";

const mark = Decoration.mark({ class: "cm-last-turn" });
const layer = decorationLayer();

export const lastTurnExtension = layer.extension;

function base64ToBytes(text) {
  return Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
}

/** client id → [[clockStart, clockEnd), ...] of the items an update inserts. */
export function insertedClocks(update) {
  const byClient = new Map();
  for (const struct of Y.decodeUpdate(update).structs) {
    if (!(struct instanceof Y.Item)) continue;
    const list = byClient.get(struct.id.client) || [];
    list.push([struct.id.clock, struct.id.clock + struct.length]);
    byClient.set(struct.id.client, list);
  }
  return byClient;
}

/** Editor ranges (UTF-16 offsets, as CodeMirror counts) of those items still in the text. */
export function rangesInText(ytext, byClient) {
  const ranges = [];
  let position = 0;
  for (let item = ytext._start; item !== null; item = item.right) {
    if (item.deleted || !item.countable) continue;
    const spans = byClient.get(item.id.client);
    if (spans) {
      const start = item.id.clock;
      const end = start + item.length;
      for (const [from, to] of spans) {
        const low = Math.max(start, from);
        const high = Math.min(end, to);
        if (low < high) ranges.push([position + low - start, position + high - start]);
      }
    }
    position += item.length;
  }
  ranges.sort((a, b) => a[0] - b[0]);
  const merged = [];
  for (const range of ranges) {
    const last = merged[merged.length - 1];
    if (last && range[0] <= last[1]) last[1] = Math.max(last[1], range[1]);
    else merged.push([...range]);
  }
  return merged;
}

const WORD_CHAR = /[\p{L}\p{N}\p{M}]/u;

/** Ranges widened to whole words and merged: a changed letter marks its word. */
export function wholeWords(text, ranges) {
  const widened = [];
  for (let [from, to] of ranges) {
    while (from > 0 && WORD_CHAR.test(text[from - 1])) from -= 1;
    while (to < text.length && WORD_CHAR.test(text[to])) to += 1;
    const last = widened[widened.length - 1];
    if (last && from <= last[1]) last[1] = Math.max(last[1], to);
    else widened.push([from, to]);
  }
  return widened;
}

/** Adds the toggle to the toolbar. */
export function setupLastTurnToggle({ toolbar, view, ytext, canvasId, notify }) {
  if (!toolbar) return null;
  const button = document.createElement("button");
  button.type = "button";
  button.className = "toolbar-toggle last-turn-toggle";
  button.setAttribute("aria-pressed", "false");
  button.textContent = "✦ Last AI edit";
  button.title = "Highlight what the assistant's last turn changed";
  toolbar.append(button);
  // Nothing to highlight on an empty canvas: the toggle shows once there is text.
  const showWhenText = () => { button.hidden = ytext.length === 0; };
  ytext.observe(showWhenText);
  showWhenText();

  async function show() {
    const response = await fetch(`/canvases/${canvasId}/history/last-turn`, { credentials: "same-origin" });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    const data = await response.json();
    if (!data.update) {
      notify("The assistant has not changed this canvas yet.");
      return false;
    }
    const text = view.state.doc.toString();
    const ranges = wholeWords(text, rangesInText(ytext, insertedClocks(base64ToBytes(data.update))));
    const length = view.state.doc.length;
    const decorations = Decoration.set(
      ranges.filter(([from, to]) => to <= length && from < to).map(([from, to]) => mark.range(from, to)));
    layer.set(view, decorations);
    if (!ranges.length) notify("What the assistant wrote last has since been removed.");
    return true;
  }

  button.addEventListener("click", async () => {
    const on = button.getAttribute("aria-pressed") !== "true";
    if (!on) {
      layer.clear(view);
      button.setAttribute("aria-pressed", "false");
      return;
    }
    try {
      if (await show()) button.setAttribute("aria-pressed", "true");
    } catch (error) {
      notify(`Could not load the last assistant edit (${error.message}).`, "error");
    }
  });
  return { button, show };
}
