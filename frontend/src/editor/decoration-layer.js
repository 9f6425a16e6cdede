// A layer of decorations that something outside the editor sets as a whole (the last AI edit, the
// Authors view) and that follows the text through later edits until it is set again.
import { StateEffect, StateField } from "@codemirror/state";
import { Decoration, EditorView } from "@codemirror/view";

/** {extension, set(view, decorations), clear(view)} for one such layer. */
export function decorationLayer() {
  const replace = StateEffect.define();
  const field = StateField.define({
    create: () => Decoration.none,
    update(decorations, transaction) {
      decorations = decorations.map(transaction.changes);
      for (const effect of transaction.effects) if (effect.is(replace)) decorations = effect.value;
      return decorations;
    },
    provide: (f) => EditorView.decorations.from(f),
  });
  return {
    extension: [field],
    set: (view, decorations) => view.dispatch({ effects: replace.of(decorations) }),
    clear: (view) => view.dispatch({ effects: replace.of(Decoration.none) }),
  };
}
