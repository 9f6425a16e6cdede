// "Authors" toggle: colours the text by who wrote it. Every character is a Yjs item whose id names
// the client that wrote it; the server says which person (or assistant turn) each client id belongs
// to (/canvases/<id>/authors), so the colouring follows the text through every later edit.
// Hovering a passage names its author and when it was written ("Written by bob · 3 min ago").
import { Decoration, hoverTooltip } from "@codemirror/view";
import { decorationLayer } from "./decoration-layer.js";
import { timeAgo } from "./time-ago.js";

/** Colours cycle through this many CSS classes (.cm-author-0 … -7). */
export const PALETTE_SIZE = 8;

const layer = decorationLayer();
let describeAt = null; // (pos, side) → {from, to, text} while the Authors view is on

export const authorsExtension = [
  layer.extension,
  hoverTooltip((view, pos, side) => {
    const found = describeAt && describeAt(pos, side);
    if (!found) return null;
    return {
      pos: found.from, end: found.to, above: true,
      create() {
        const dom = document.createElement("div");
        dom.className = "authors-tooltip";
        dom.textContent = found.text;
        return { dom };
      },
    };
  }, { hoverTime: 150 }),
];

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

/** The Yjs id {client, clock} of the character at UTF-16 offset `pos`, or null. */
export function charIdAt(ytext, pos) {
  let position = 0;
  for (let item = ytext._start; item !== null; item = item.right) {
    if (item.deleted || !item.countable) continue;
    if (pos < position + item.length) return { client: item.id.client, clock: item.id.clock + pos - position };
    position += item.length;
  }
  return null;
}

/** When the character `clock` of `client` was written: `times` is [[clock, ms], …] by clock. */
export function writtenAt(times, clock) {
  if (!times || !times.length) return null;
  let found = null;
  for (const [from, ms] of times) {
    if (from > clock) break;
    found = ms;
  }
  return found ?? times[0][1];
}

function hoverText(author, written) {
  if (!author) return "Written by someone not known here";
  if (author.kind === "person") return `Written by ${author.name}${written ? ` · ${timeAgo(written)}` : ""}`;
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
  let written = new Map(); // client id → [[clock, epoch ms], …]: when its characters were written
  let runs = [];
  const colours = new Map(); // author key → palette index, stable while the page lives
  let on = false;
  let scheduled = 0;
  let fetchedFor = new Set();

  async function load() {
    const response = await fetch(`/canvases/${canvasId}/authors`, { credentials: "same-origin", cache: "no-store" });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    const data = await response.json();
    authors = new Map(Object.entries(data.authors).map(([client, author]) => [Number(client), author]));
    written = new Map(Object.entries(data.written || {}).map(([client, times]) => [Number(client), times]));
    fetchedFor = new Set(authors.keys());
  }

  function colourOf(key) {
    if (!colours.has(key)) colours.set(key, colours.size % PALETTE_SIZE);
    return colours.get(key);
  }

  function describe(pos, side) {
    const at = side < 0 ? pos - 1 : pos;
    const run = runs.find((r) => r.from <= at && at < r.to);
    const id = run && charIdAt(ytext, at);
    if (!id) return null;
    const author = authors.get(id.client);
    return { from: run.from, to: run.to, text: hoverText(author, writtenAt(written.get(id.client), id.clock)) };
  }

  function paint() {
    scheduled = 0;
    if (!on) return;
    const started = performance.now();
    runs = clientRuns(ytext);
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
        attributes: { "data-author": author ? author.name : "" },
      }).range(run.from, run.to));
    }
    layer.set(view, Decoration.set(marks));
    // bench/authors_colouring.py reads this: the time to colour the canvas by author.
    performance.measure("canvas:authors-paint", { start: started, end: performance.now(), detail: { runs: runs.length } });
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
      describeAt = null;
      runs = [];
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
    describeAt = describe;
    button.setAttribute("aria-pressed", "true");
    legend.hidden = false;
    paint();
  });
  return { button, legend, paint };
}
