// Suggestions in the editor, as tracked changes: the words a suggestion would replace struck through
// (cm-suggestion-del), its new words highlighted right after them (a cm-suggestion-ins widget), with
// Accept / Reject buttons for people who may edit. Places are computed from the Y document (suggestions.js)
// and handed in with setSuggestions; in between, they follow CodeMirror's change mapping.
import { StateEffect, StateField } from "@codemirror/state";
import { Decoration, EditorView, WidgetType } from "@codemirror/view";
import { editorButton } from "./editor-button.js";

/** [{id, pieces: [[from, to]], at, insert, title}] → replaces every suggestion shown. */
export const setSuggestions = StateEffect.define();

function button(label, title, className, onClick) {
  const element = editorButton(label, className, title, (event) => {
    event.preventDefault();
    event.stopPropagation();
    onClick();
  });
  element.setAttribute("aria-label", title);
  return element;
}

class InsertionWidget extends WidgetType {
  constructor(suggestion, actions) {
    super();
    this.suggestion = suggestion;
    this.actions = actions;
  }

  eq(other) {
    const a = this.suggestion;
    const b = other.suggestion;
    return a.id === b.id && a.insert === b.insert && a.title === b.title && this.actions.enabled() === other.actions.enabled();
  }

  toDOM() {
    const { id, insert, title } = this.suggestion;
    const wrap = document.createElement("span");
    wrap.className = "cm-suggestion";
    wrap.dataset.suggestionId = id;
    wrap.title = title;
    if (insert) {
      const text = document.createElement("ins");
      text.className = "cm-suggestion-ins";
      text.textContent = insert;
      wrap.append(text);
    }
    if (this.actions.enabled()) {
      wrap.append(
        button("✓", "Accept suggestion", "cm-suggestion-accept", () => this.actions.accept(id)),
        button("✕", "Reject suggestion", "cm-suggestion-reject", () => this.actions.reject(id)),
      );
    }
    return wrap;
  }

  ignoreEvent() {
    return true; // the buttons handle their own clicks; the editor does not move the cursor
  }
}

function build(suggestions, actions, length) {
  const ranges = [];
  for (const s of suggestions) {
    let end = Math.max(0, Math.min(s.at, length));
    for (const [from, to] of s.pieces) {
      const a = Math.max(0, Math.min(from, length));
      const b = Math.max(a, Math.min(to, length));
      if (b > a) {
        ranges.push(Decoration.mark({ class: "cm-suggestion-del", attributes: { "data-suggestion-id": s.id } }).range(a, b));
        end = Math.max(end, b);
      }
    }
    ranges.push(Decoration.widget({ widget: new InsertionWidget(s, actions), side: 1 }).range(end));
  }
  return Decoration.set(ranges, true);
}

/** The field, with `actions`: {enabled(), accept(id), reject(id)}. */
export function suggestionMarks(actions) {
  return StateField.define({
    create: () => ({ suggestions: [], deco: Decoration.none }),
    update(value, tr) {
      let suggestions = value.suggestions;
      let reset = false;
      for (const effect of tr.effects) {
        if (effect.is(setSuggestions)) {
          suggestions = effect.value;
          reset = true;
        }
      }
      if (reset) return { suggestions, deco: build(suggestions, actions, tr.state.doc.length) };
      if (!tr.docChanged) return value;
      const mapped = suggestions.map((s) => ({
        ...s,
        at: tr.changes.mapPos(s.at, 1),
        pieces: s.pieces.map(([from, to]) => [tr.changes.mapPos(from, 1), tr.changes.mapPos(to, -1)]),
      }));
      return { suggestions: mapped, deco: value.deco.map(tr.changes) };
    },
    provide: (field) => EditorView.decorations.from(field, (value) => value.deco),
  });
}
