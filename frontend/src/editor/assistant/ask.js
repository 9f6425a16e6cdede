// Selection toolbar (editors and commenters): selecting text shows "Ask ✦" and "Comment" next to it. "Ask" (or
// Ctrl/Cmd+K) scopes the next chat message to the selection: canvasSetChatSelection({from, to, quote})
// with CodeMirror offsets (UTF-16 units, as the server expects), then focuses the chat box. "Comment"
// turns the toolbar into a small form that anchors a comment on the selected words.
import { Prec, StateEffect, StateField } from "@codemirror/state";
import { EditorView, keymap, showTooltip } from "@codemirror/view";
import { editorButton as button } from "./editor-button.js";

const MODES = ["buttons", "comment", "hidden"];
export const setToolbarMode = StateEffect.define();

/** Scope the chat to the current selection and move to the chat box. Returns false without a selection. */
export function askAboutSelection(view) {
  const range = view.state.selection.main;
  if (range.empty || !document.getElementById("chat-text")) return false;
  const selection = { from: range.from, to: range.to, quote: view.state.sliceDoc(range.from, range.to) };
  if (typeof window.canvasSetChatSelection === "function") window.canvasSetChatSelection(selection);
  view.dispatch({ effects: setToolbarMode.of("hidden") });
  const box = document.getElementById("chat-text");
  if (box) {
    box.focus();
    if (box.disabled) box.closest(".chat-form-slot")?.querySelector(".model-hint")?.scrollIntoView({ block: "nearest" });
  }
  return true;
}

/**
 * @param {{onComment: (view, {from, to, body}) => void, allowed?: (state) => boolean}} options
 *   `allowed` says whether this person may comment and ask (by default: when the text is editable).
 * @returns the CodeMirror extensions of the toolbar and its shortcut.
 */
export function selectionToolbar({ onComment, allowed = (state) => !state.readOnly }) {
  const createButtons = (view) => {
    const dom = document.createElement("div");
    dom.className = "selection-toolbar";
    dom.setAttribute("role", "toolbar");
    dom.setAttribute("aria-label", "Selection");
    const isMac = /Mac|iPhone|iPad/.test(navigator.platform || "");
    dom.append(
      button("Ask ✦", "selection-ask", `Ask the assistant about the selection (${isMac ? "⌘" : "Ctrl+"}K)`, () => askAboutSelection(view)),
      button("Comment", "selection-comment", "Comment on the selection", () => view.dispatch({ effects: setToolbarMode.of("comment") })),
    );
    return { dom };
  };

  const createForm = (view) => {
    const dom = document.createElement("form");
    dom.className = "selection-toolbar comment-form";
    dom.setAttribute("aria-label", "New comment");
    const input = document.createElement("textarea");
    input.className = "comment-input";
    input.rows = 2;
    input.maxLength = 4000;
    input.placeholder = "Add a comment…";
    input.setAttribute("aria-label", "Comment");
    const save = document.createElement("button");
    save.type = "submit";
    save.className = "button small primary comment-save";
    save.textContent = "Save";
    const cancel = document.createElement("button");
    cancel.type = "button";
    cancel.className = "button small comment-cancel";
    cancel.textContent = "Cancel";
    const row = document.createElement("div");
    row.className = "comment-form-row";
    row.append(cancel, save);
    dom.append(input, row);

    const close = () => {
      view.dispatch({ effects: setToolbarMode.of("hidden") });
      view.focus();
    };
    const submit = () => {
      const body = input.value.trim();
      if (!body) {
        input.focus();
        return;
      }
      const range = view.state.selection.main;
      if (!range.empty) onComment(view, { from: range.from, to: range.to, body });
      close();
    };
    dom.addEventListener("submit", (event) => {
      event.preventDefault();
      submit();
    });
    cancel.addEventListener("click", close);
    input.addEventListener("keydown", (event) => {
      if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        submit();
      } else if (event.key === "Escape") {
        event.preventDefault();
        close();
      }
    });
    return { dom, mount: () => input.focus() };
  };

  const tooltipFor = (state, mode) => {
    const range = state.selection.main;
    if (range.empty || !allowed(state) || mode === "hidden") return null;
    return {
      pos: range.from,
      end: range.to,
      above: true,
      create: mode === "comment" ? createForm : createButtons,
    };
  };

  const field = StateField.define({
    create: (state) => ({ mode: "buttons", tooltip: tooltipFor(state, "buttons") }),
    update(value, tr) {
      let mode = value.mode;
      for (const effect of tr.effects) if (effect.is(setToolbarMode) && MODES.includes(effect.value)) mode = effect.value;
      const reselected = tr.selection && !tr.startState.selection.main.eq(tr.state.selection.main);
      if (reselected && mode === value.mode) mode = "buttons";
      if (mode === value.mode && !tr.docChanged && !reselected && tr.startState.readOnly === tr.state.readOnly) return value;
      return { mode, tooltip: tooltipFor(tr.state, mode) };
    },
    provide: (f) => showTooltip.compute([f], (state) => state.field(f).tooltip),
  });

  return [
    field,
    Prec.highest(keymap.of([{ key: "Mod-k", run: (view) => allowed(view.state) && askAboutSelection(view), preventDefault: true }])),
    EditorView.domEventHandlers({
      keydown(event, view) {
        if (event.key === "Escape" && view.state.field(field).tooltip) {
          view.dispatch({ effects: setToolbarMode.of("hidden") });
          return false;
        }
        return false;
      },
    }),
  ];
}
