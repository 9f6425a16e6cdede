// Comments (the Y.Map "comments", ARCHITECTURE §3): reading entries, resolving their encoded relative
// positions to editor offsets, and the three changes a person makes: add, resolve, apply a suggestion.
// Entries are plain objects {author, userId, body, quote, start, end, resolved, suggestion, created}, and
// `assistant: true` on the assistant's; start/end are encoded relative positions (Y.encodeRelativePosition,
// the same bytes as pycrdt's StickyIndex.encode()). The sync server stamps author and userId, and only
// server-side peers can set `assistant` (collab/comment_stamps.py).
import * as Y from "yjs";

/** Origin of the comment changes made in this browser (Apply is one transaction: text and comment). */
export const COMMENT_ORIGIN = "canvas-comment";

function bytesOf(value) {
  if (value instanceof Uint8Array) return value;
  if (Array.isArray(value)) return Uint8Array.from(value);
  if (value && typeof value === "object" && typeof value.length === "number") return Uint8Array.from(value);
  return null;
}

/** A map entry as a checked, normalised comment, or null when it is not one. */
export function readComment(id, value) {
  if (!value || typeof value !== "object") return null;
  const start = bytesOf(value.start);
  const end = bytesOf(value.end);
  if (!start || !end) return null;
  return {
    id: String(id),
    author: typeof value.author === "string" && value.author ? value.author : "Someone",
    assistant: value.assistant === true,
    verified: value.assistant === true || typeof value.userId === "number",
    body: typeof value.body === "string" ? value.body : "",
    quote: typeof value.quote === "string" ? value.quote : "",
    start,
    end,
    resolved: value.resolved === true,
    suggestion: typeof value.suggestion === "string" ? value.suggestion : null,
    created: typeof value.created === "number" ? value.created : 0,
  };
}

/** An encoded relative position as an index in `ytext` (UTF-16 units, like CodeMirror), or null. */
export function resolvePosition(ydoc, ytext, bytes) {
  let rpos;
  try {
    rpos = Y.decodeRelativePosition(bytes);
  } catch {
    return null;
  }
  const abs = Y.createAbsolutePositionFromRelativePosition(rpos, ydoc);
  if (!abs || abs.type !== ytext) return null;
  return abs.index;
}

/** Where a comment's range is now: {from, to}, or null when its anchors are unknown here (yet). */
export function resolveRange(ydoc, ytext, comment) {
  const a = resolvePosition(ydoc, ytext, comment.start);
  const b = resolvePosition(ydoc, ytext, comment.end);
  if (a === null || b === null) return null;
  const length = ytext.length;
  const from = Math.max(0, Math.min(a, length));
  const to = Math.max(from, Math.min(b, length)); // text deleted across it: collapsed, never inverted
  return { from, to };
}

/** Unresolved comments with their current ranges, in document order. */
export function openComments(ydoc, ytext, ymap) {
  const list = [];
  ymap.forEach((value, id) => {
    const comment = readComment(id, value);
    if (!comment || comment.resolved) return;
    list.push({ ...comment, range: resolveRange(ydoc, ytext, comment) });
  });
  const key = (c) => (c.range ? c.range.from : Number.MAX_SAFE_INTEGER);
  return list.sort((a, b) => key(a) - key(b) || (a.range?.to ?? 0) - (b.range?.to ?? 0) || a.created - b.created);
}

function newId() {
  const bytes = new Uint8Array(6);
  crypto.getRandomValues(bytes);
  return [...bytes].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/**
 * Anchor a new comment on `from..to`: the start sticks to the character after it (assoc 0) and the end
 * to the character before it (assoc -1), so text typed around the range stays outside it.
 */
export function addComment(ydoc, ytext, ymap, { from, to, body, author, userId, suggestion = null }) {
  const id = newId();
  ydoc.transact(() => {
    ymap.set(id, {
      author,
      ...(typeof userId === "number" ? { userId } : {}),
      body,
      quote: ytext.toString().slice(from, to),
      start: Y.encodeRelativePosition(Y.createRelativePositionFromTypeIndex(ytext, from, 0)),
      end: Y.encodeRelativePosition(Y.createRelativePositionFromTypeIndex(ytext, to, -1)),
      resolved: false,
      suggestion,
      created: Date.now() / 1000,
    });
  }, COMMENT_ORIGIN);
  return id;
}

function markResolved(ymap, id) {
  const current = ymap.get(id);
  if (current && typeof current === "object") ymap.set(id, { ...current, resolved: true });
}

export function resolveComment(ydoc, ymap, id) {
  ydoc.transact(() => markResolved(ymap, id), COMMENT_ORIGIN);
}

/**
 * Replace the comment's range (as it stands now) with its suggestion and resolve it, in one transaction.
 * Returns false when the range cannot be found or there is no suggestion.
 */
export function applySuggestion(ydoc, ytext, ymap, id) {
  const comment = readComment(id, ymap.get(id));
  if (!comment || comment.resolved || comment.suggestion === null) return false;
  const range = resolveRange(ydoc, ytext, comment);
  if (!range) return false;
  ydoc.transact(() => {
    if (range.to > range.from) ytext.delete(range.from, range.to - range.from);
    if (comment.suggestion) ytext.insert(range.from, comment.suggestion);
    markResolved(ymap, id);
  }, COMMENT_ORIGIN);
  return true;
}
