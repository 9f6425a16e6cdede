// Collaborators' names on their carets while they type: y-codemirror.next shows a caret's name only on
// hover, so a moving caret is anonymous. A caret whose person moved it in the last FRESH_MS shows its label
// (cm-ySelectionCaret-fresh, canvas.css), which then fades. Carets are matched to people by the name
// y-codemirror.next writes in the label.
import { ViewPlugin } from "@codemirror/view";

const FRESH_MS = 3000;

export function caretLabels(awareness) {
  return ViewPlugin.define((view) => {
    const movedAt = new Map(); // name → when their cursor last moved
    const lastCursor = new Map(); // client id → the cursor as JSON
    let frame = 0;
    let timer = 0;

    const paint = () => {
      frame = 0;
      const now = Date.now();
      let next = Infinity;
      for (const info of view.dom.querySelectorAll(".cm-ySelectionInfo")) {
        const at = movedAt.get(info.textContent);
        const fresh = at !== undefined && now - at < FRESH_MS;
        info.parentElement?.classList.toggle("cm-ySelectionCaret-fresh", fresh);
        if (fresh) next = Math.min(next, at + FRESH_MS - now);
      }
      clearTimeout(timer);
      if (next !== Infinity) timer = setTimeout(schedule, next + 20);
    };
    // After CodeMirror has drawn the carets of this change (never inside its update).
    const schedule = () => {
      if (!frame) frame = requestAnimationFrame(paint);
    };
    const onChange = ({ added, updated }) => {
      for (const id of [...added, ...updated]) {
        if (id === awareness.clientID) continue;
        const state = awareness.getStates().get(id);
        const name = state?.user?.name;
        const cursor = state?.cursor ? JSON.stringify(state.cursor) : null;
        if (!name || !cursor || lastCursor.get(id) === cursor) continue;
        lastCursor.set(id, cursor);
        movedAt.set(name, Date.now());
      }
      schedule();
    };
    awareness.on("change", onChange);
    return {
      update: schedule, // a redrawn line draws its carets anew: mark them again
      destroy() {
        awareness.off("change", onChange);
        cancelAnimationFrame(frame);
        clearTimeout(timer);
      },
    };
  });
}
