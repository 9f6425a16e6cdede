// Flash: when the assistant's awareness state carries a new flash {id, ranges} (relative-position JSON),
// the passages it just changed get a highlight (class cm-assistant-flash) that fades out (CSS animation)
// and is removed after FLASH_MS.
import * as Y from "yjs";
import { StateEffect, StateField } from "@codemirror/state";
import { Decoration, EditorView } from "@codemirror/view";

export const FLASH_MS = 2400;
const RETRIES = 6; // the edit itself may arrive just after the awareness update naming it
const RETRY_MS = 150;

const addFlash = StateEffect.define(); // {id, ranges: [{from, to}]}
const removeFlash = StateEffect.define(); // id

export const flashField = StateField.define({
  create: () => Decoration.none,
  update(deco, tr) {
    deco = deco.map(tr.changes);
    for (const effect of tr.effects) {
      if (effect.is(addFlash)) {
        const length = tr.state.doc.length;
        const marks = effect.value.ranges
          .map(({ from, to }) => [Math.min(from, length), Math.min(to, length)])
          .filter(([from, to]) => to > from)
          .map(([from, to]) => Decoration.mark({ class: "cm-assistant-flash", attributes: { "data-flash-id": effect.value.id } }).range(from, to));
        deco = deco.update({ add: marks, sort: true });
      } else if (effect.is(removeFlash)) {
        deco = deco.update({ filter: (_from, _to, value) => value.spec.attributes["data-flash-id"] !== effect.value });
      }
    }
    return deco;
  },
  provide: (field) => EditorView.decorations.from(field),
});

function absolute(ydoc, ytext, json) {
  try {
    const abs = Y.createAbsolutePositionFromRelativePosition(Y.createRelativePositionFromJSON(json), ydoc);
    return abs && abs.type === ytext ? abs.index : null;
  } catch {
    return null;
  }
}

/** Ranges {from, to} of a flash, or null if one of its positions is not known here yet. */
export function resolveFlash(ydoc, ytext, flash) {
  const ranges = [];
  for (const range of Array.isArray(flash.ranges) ? flash.ranges : []) {
    if (!range || typeof range !== "object") continue;
    const a = absolute(ydoc, ytext, range.anchor || {});
    const b = absolute(ydoc, ytext, range.head || {});
    if (a === null || b === null) return null;
    ranges.push({ from: Math.min(a, b), to: Math.max(a, b) });
  }
  return ranges;
}

/** Watch the assistant peers' awareness states and flash what they name. Returns a stop function. */
export function watchFlashes({ view, ydoc, ytext, awareness }) {
  const seen = new Set();
  const timers = new Set();
  const later = (fn, ms) => {
    const t = setTimeout(() => {
      timers.delete(t);
      fn();
    }, ms);
    timers.add(t);
  };

  const show = (flash, attempt = 0) => {
    const ranges = resolveFlash(ydoc, ytext, flash);
    if (ranges === null) {
      if (attempt < RETRIES) later(() => show(flash, attempt + 1), RETRY_MS);
      return;
    }
    if (!ranges.length) return;
    const id = String(flash.id);
    view.dispatch({ effects: addFlash.of({ id, ranges }) });
    later(() => view.dispatch({ effects: removeFlash.of(id) }), FLASH_MS);
  };

  const onChange = ({ added, updated }) => {
    const states = awareness.getStates();
    for (const clientId of [...added, ...updated]) {
      if (clientId === ydoc.clientID) continue;
      const state = states.get(clientId);
      const flash = state && state.user && state.user.isAssistant ? state.flash : null;
      if (!flash || typeof flash !== "object" || flash.id == null) continue;
      const key = `${clientId}:${flash.id}`;
      if (seen.has(key)) continue;
      seen.add(key);
      // Not inside the awareness handler: the view may be mid-update when it runs.
      queueMicrotask(() => show(flash));
    }
  };
  awareness.on("change", onChange);
  return () => {
    awareness.off("change", onChange);
    timers.forEach(clearTimeout);
  };
}
