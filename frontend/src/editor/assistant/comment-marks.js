// Comment ranges in the editor: a mark (class cm-comment-range) over each unresolved comment's words,
// and cm-comment-range-active on the one holding the cursor. Ranges are computed from the Y document
// (see index.js) and handed in with setCommentRanges; in between, they follow CodeMirror's change mapping.
import { StateEffect, StateField } from "@codemirror/state";
import { Decoration, EditorView } from "@codemirror/view";

/** [{id, from, to}] → replaces every comment mark. */
export const setCommentRanges = StateEffect.define();

function build(ranges, active, length) {
  const marks = [];
  for (const { id, from, to } of ranges) {
    const a = Math.max(0, Math.min(from, length));
    const b = Math.max(a, Math.min(to, length));
    if (b <= a) continue;
    const cls = id === active ? "cm-comment-range cm-comment-range-active" : "cm-comment-range";
    marks.push(Decoration.mark({ class: cls, attributes: { "data-comment-id": id } }).range(a, b));
  }
  return Decoration.set(marks, true);
}

/** The id of the (first) comment whose words hold the cursor, or null. */
function activeAt(ranges, head) {
  const hit = ranges.find((r) => r.to > r.from && r.from <= head && head <= r.to);
  return hit ? hit.id : null;
}

export const commentMarks = StateField.define({
  create: () => ({ ranges: [], active: null, deco: Decoration.none }),
  update(value, tr) {
    let ranges = value.ranges;
    for (const effect of tr.effects) if (effect.is(setCommentRanges)) ranges = effect.value;
    if (ranges === value.ranges && tr.docChanged) {
      ranges = ranges.map((r) => {
        const from = tr.changes.mapPos(r.from, 1);
        return { id: r.id, from, to: Math.max(from, tr.changes.mapPos(r.to, -1)) };
      });
    }
    const active = activeAt(ranges, tr.state.selection.main.head);
    if (ranges === value.ranges && active === value.active) return value;
    return { ranges, active, deco: build(ranges, active, tr.state.doc.length) };
  },
  provide: (field) => EditorView.decorations.from(field, (value) => value.deco),
});
