// The assistant's suggestions (the Y.Map "suggestions", canvas/assistant/suggestions.py): changes it
// offered instead of making, because people were working there. An entry names the characters it would
// replace by their Yjs ids (runs of [client, clock, length]) and what would replace them; start/end are
// encoded relative positions around them (where an insertion goes). Accepting deletes exactly those
// characters, wherever they are now, and inserts the replacement where the first of them is: the same
// change the model's edit would have been, so words people typed inside the range meanwhile stay. A
// suggestion some of whose characters are gone is stale: it is not shown, and the next turn removes it.
import { resolvePosition } from "./comments.js";

/** Origin of accepting and rejecting in this browser (Ctrl/Cmd+Z takes back an accepted text). */
export const SUGGESTION_ORIGIN = "canvas-suggestion";

function bytesOf(value) {
  if (value instanceof Uint8Array) return value;
  if (Array.isArray(value)) return Uint8Array.from(value);
  return null;
}

function runsOf(value) {
  if (!Array.isArray(value)) return null;
  const runs = [];
  for (const run of value) {
    if (!Array.isArray(run) || run.length !== 3 || !run.every((n) => Number.isSafeInteger(n) && n >= 0)) return null;
    if (run[2] > 0) runs.push({ client: run[0], clock: run[1], length: run[2] });
  }
  return runs;
}

/** A map entry as a checked suggestion, or null when it is not one. */
export function readSuggestion(id, value) {
  if (!value || typeof value !== "object") return null;
  const start = bytesOf(value.start);
  const end = bytesOf(value.end);
  const runs = runsOf(value.ids);
  if (!start || !end || !runs || typeof value.insert !== "string") return null;
  return {
    id: String(id),
    assistant: value.assistant === true,
    author: typeof value.author === "string" ? value.author : "",
    askedBy: typeof value.askedBy === "string" ? value.askedBy : "",
    request: typeof value.request === "string" ? value.request : "",
    quote: typeof value.quote === "string" ? value.quote : "",
    insert: value.insert,
    runs,
    start,
    end,
    created: typeof value.created === "number" ? value.created : 0,
  };
}

/**
 * Every suggestion with where it is now: `pieces` ([from, to] of its characters still in the text, in
 * order), `at` (where the replacement goes) and `stale`. One walk over the text's items serves them all.
 */
export function placeSuggestions(ydoc, ytext, ymap) {
  const list = [];
  ymap.forEach((value, id) => {
    const suggestion = readSuggestion(id, value);
    if (suggestion) list.push({ ...suggestion, pieces: [], found: 0, gone: false });
  });
  if (!list.length) return [];
  const byClient = new Map();
  for (const s of list) {
    for (const run of s.runs) {
      if (!byClient.has(run.client)) byClient.set(run.client, []);
      byClient.get(run.client).push({ run, s });
    }
  }
  let index = 0;
  for (let item = ytext._start; item !== null; item = item.right) {
    const visible = !item.deleted && item.countable;
    const wanted = byClient.get(item.id.client);
    if (wanted) {
      const a = item.id.clock;
      const b = a + item.length;
      for (const { run, s } of wanted) {
        const from = Math.max(a, run.clock);
        const to = Math.min(b, run.clock + run.length);
        if (from >= to) continue;
        if (!visible) {
          s.gone = true;
          continue;
        }
        s.found += to - from;
        const piece = [index + from - a, index + to - a];
        const last = s.pieces[s.pieces.length - 1];
        if (last && last[1] === piece[0]) last[1] = piece[1];
        else s.pieces.push(piece);
      }
    }
    if (visible) index += item.length;
  }
  for (const s of list) {
    const total = s.runs.reduce((sum, run) => sum + run.length, 0);
    s.stale = s.gone || s.found < total;
    if (s.pieces.length) s.at = s.pieces[0][0];
    else s.at = resolvePosition(ydoc, ytext, s.start);
    if (s.at === null) s.stale = true; // its place is not known here (yet)
    delete s.found;
    delete s.gone;
  }
  const key = (s) => (s.stale ? Number.MAX_SAFE_INTEGER : s.at);
  return list.sort((x, y) => key(x) - key(y) || x.created - y.created);
}

/** Accept one suggestion: false when it is gone or stale. */
export function acceptSuggestion(ydoc, ytext, ymap, id) {
  const suggestion = placeSuggestions(ydoc, ytext, ymap).find((s) => s.id === id);
  if (!suggestion || suggestion.stale) return false;
  ydoc.transact(() => {
    // Last piece first, so the earlier ones stay where they are; all lie at or after `at`.
    for (const [from, to] of [...suggestion.pieces].reverse()) ytext.delete(from, to - from);
    if (suggestion.insert) ytext.insert(suggestion.at, suggestion.insert);
    ymap.delete(id);
  }, SUGGESTION_ORIGIN);
  return true;
}

export function rejectSuggestion(ydoc, ymap, id) {
  if (!ymap.has(id)) return false;
  ydoc.transact(() => ymap.delete(id), SUGGESTION_ORIGIN);
  return true;
}

/** Accept (or reject) every suggestion shown now; returns how many. */
export function settleAll(ydoc, ytext, ymap, accept) {
  const ids = placeSuggestions(ydoc, ytext, ymap).filter((s) => !s.stale).map((s) => s.id);
  let done = 0;
  for (const id of ids) {
    if (accept ? acceptSuggestion(ydoc, ytext, ymap, id) : rejectSuggestion(ydoc, ymap, id)) done += 1;
  }
  return done;
}
