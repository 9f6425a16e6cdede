// "Authors" toggle: colours the text by who wrote it. Every character is a Yjs item whose id names
// the client that wrote it; the server says which person (or assistant turn) each client id belongs
// to (/canvases/<id>/authors), so the colouring follows the text through every later edit.
import { Decoration } from "@codemirror/view";
import { decorationLayer } from "./decoration-layer.js";

/** Colours cycle through this many CSS classes (.cm-author-0 … -7). */
export const PALETTE_SIZE = 8;

const layer = decorationLayer();

export const authorsExtension = layer.extension;

/** [{from, to, client}] of the visible text (UTF-16 offsets, as CodeMirror counts), one per run of
 * characters written under the same client id. */
export function clientRuns(ytext) {
  const runs = [];
  let position = 0;
  for (let item = ytext._start; item !== null; item = item.right) {
    if (item.deleted || !item.countable) continue;
    const client = item.id.client;
    const last = runs[runs.length - 1];
    if (last && last.client === client && last.to === position) last.to += item.length;
    else runs.push({ from: position, to: position + item.length, client });
    position += item.length;
  }
  return runs;
}

function hoverText(author) {
  if (!author) return "Written by someone not known here";
  if (author.kind === "person") return `Written by ${author.name}`;
  return author.detail ? `${author.name} · ${author.detail}` : author.name;
}

/** Adds the toggle and its legend to the toolbar. */
export function setupAuthorsToggle({ toolbar, view, ytext, canvasId, notify }) {
  if (!toolbar) return null;
  const button = document.createElement("button");
  button.type = "button";
  button.className = "toolbar-toggle authors-toggle";
  button.setAttribute("aria-pressed", "false");
  button.textContent = "Authors";
  button.title = "Colour the text by who wrote it";
  const legend = document.createElement("ul");
  legend.className = "authors-legend";
  legend.setAttribute("aria-label", "Authors");
  legend.hidden = true;
  toolbar.append(button, legend);

  let authors = new Map(); // client id → {key, name, kind, detail}
  const colours = new Map(); // author key → palette index, stable while the page lives
  let on = false;
  let scheduled = 0;
  let fetchedFor = new Set();

  async function load() {
    const response = await fetch(`/canvases/${canvasId}/authors`, { credentials: "same-origin", cache: "no-store" });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    const data = await response.json();
    authors = new Map(Object.entries(data.authors).map(([client, author]) => [Number(client), author]));
    fetchedFor = new Set(authors.keys());
  }

  function colourOf(key) {
    if (!colours.has(key)) colours.set(key, colours.size % PALETTE_SIZE);
    return colours.get(key);
  }

  function paint() {
    scheduled = 0;
    if (!on) return;
    const runs = clientRuns(ytext);
    const length = view.state.doc.length;
    const seen = new Map();
    const marks = [];
    for (const run of runs) {
      if (run.to > length || run.from >= run.to) continue;
      const author = authors.get(run.client);
      const key = author ? author.key : "unknown";
      const index = colourOf(key);
      seen.set(key, { index, name: author ? author.name : "Unknown" });
      marks.push(Decoration.mark({
        class: `cm-author cm-author-${index}`,
        attributes: { title: hoverText(author), "data-author": author ? author.name : "" },
      }).range(run.from, run.to));
    }
    layer.set(view, Decoration.set(marks));
    legend.replaceChildren(...[...seen.values()].map(({ index, name }) => {
      const entry = document.createElement("li");
      entry.className = `authors-legend-entry cm-author-${index}`;
      entry.textContent = name;
      return entry;
    }));
    // Someone new wrote something: ask who, once per unknown client id.
    const unknown = runs.map((r) => r.client).filter((c) => !authors.has(c) && !fetchedFor.has(c));
    if (unknown.length) {
      unknown.forEach((c) => fetchedFor.add(c));
      load().then(schedule, () => {});
    }
  }

  function schedule() {
    if (on && !scheduled) scheduled = setTimeout(paint, 150);
  }

  ytext.observe(schedule);
  button.addEventListener("click", async () => {
    if (on) {
      on = false;
      clearTimeout(scheduled);
      scheduled = 0;
      layer.clear(view);
      button.setAttribute("aria-pressed", "false");
      legend.hidden = true;
      return;
    }
    try {
      await load();
    } catch (error) {
      notify(`Could not load who wrote what (${error.message}).`, "error");
      return;
    }
    on = true;
    button.setAttribute("aria-pressed", "true");
    legend.hidden = false;
    paint();
  });
  return { button, legend, paint };
}
