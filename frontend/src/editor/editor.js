// Editor view: builds the CodeMirror 6 editor bound to the Y.Text with y-codemirror.next (yCollab):
// highlighting for the canvas language, wrapping for documents, line numbers for code, search and
// replace, per-user undo (Y.UndoManager), read-only mode for viewers, a placeholder in empty documents
// for people who may write, and a guard on huge pastes.
import { Compartment, EditorState } from "@codemirror/state";
import {
  EditorView, crosshairCursor, drawSelection, dropCursor, highlightActiveLine, highlightActiveLineGutter,
  highlightSpecialChars, keymap, lineNumbers, placeholder, rectangularSelection,
} from "@codemirror/view";
import { defaultKeymap, indentWithTab } from "@codemirror/commands";
import { bracketMatching, foldGutter, foldKeymap, indentOnInput } from "@codemirror/language";
import { closeBrackets, closeBracketsKeymap } from "@codemirror/autocomplete";
import { highlightSelectionMatches, search, searchKeymap } from "@codemirror/search";
import { yCollab, yUndoManagerKeymap } from "y-codemirror.next";
import { languageSupport } from "./languages.js";
import { themeExtensions } from "./theme.js";

/**
 * One frame must stay under the server's CANVAS_MAX_FRAME (1 MiB by default), or the server closes
 * the socket (4413) and the same frame would be sent again on every reconnect. Refuse bigger inserts.
 */
export const MAX_INSERT_BYTES = 900 * 1024;

const utf8Length = (text) => new TextEncoder().encode(text).length;

/** The page's CSP nonce (templates/canvas/page.html): CodeMirror puts it on its <style> elements. */
export function cspNonce() {
  return document.querySelector('meta[name="csp-nonce"]')?.content || "";
}

function insertSizeGuard(notify) {
  return EditorState.transactionFilter.of((tr) => {
    if (!tr.docChanged || !tr.isUserEvent("input") && !tr.isUserEvent("move")) return tr;
    let units = 0;
    tr.changes.iterChanges((_fa, _ta, _fb, _tb, inserted) => { units += inserted.length; });
    if (units * 3 <= MAX_INSERT_BYTES) return tr; // cannot be too big even if every unit took 3 bytes
    let bytes = 0;
    tr.changes.iterChanges((_fa, _ta, _fb, _tb, inserted) => { bytes += utf8Length(inserted.toString()); });
    if (bytes <= MAX_INSERT_BYTES) return tr;
    const mb = (bytes / (1024 * 1024)).toFixed(1);
    notify(`That text is too large to add in one go (${mb} MB). Add it in parts of under 0.9 MB.`, "error");
    return [];
  });
}

/** Read-only for viewers (and after access is lost): no edits, but still focusable to select, copy and search. */
export function readOnlyExtensions(readOnly) {
  return readOnly
    ? [EditorState.readOnly.of(true), EditorView.editable.of(false), EditorView.contentAttributes.of({ tabindex: "0" })]
    : [];
}

/** What an empty document says to someone who may write in it (nothing to viewers). */
export const DOCUMENT_PLACEHOLDER = "Start writing, or ask the assistant…";

export function createEditor({ parent, ytext, awareness, undoManager, kind, language, readOnly, notify, extensions: extra = [] }) {
  const isCode = kind === "code";
  const readOnlyCompartment = new Compartment();
  const theme = themeExtensions();
  const access = (value) => [
    readOnlyExtensions(value),
    kind === "document" && !value ? placeholder(DOCUMENT_PLACEHOLDER) : [],
  ];

  const extensions = [
    EditorView.cspNonce.of(cspNonce()),
    isCode ? [lineNumbers(), highlightActiveLineGutter(), foldGutter()] : [],
    highlightSpecialChars(),
    drawSelection(),
    dropCursor(),
    EditorState.allowMultipleSelections.of(true),
    indentOnInput(),
    bracketMatching(),
    isCode ? closeBrackets() : [],
    rectangularSelection(),
    crosshairCursor(),
    highlightActiveLine(),
    highlightSelectionMatches(),
    search({ top: true }),
    keymap.of([
      ...closeBracketsKeymap,
      ...yUndoManagerKeymap,
      ...searchKeymap,
      ...(isCode ? foldKeymap : []),
      ...defaultKeymap,
      ...(isCode ? [indentWithTab] : []),
    ]),
    languageSupport(language),
    kind === "document" ? EditorView.lineWrapping : [],
    theme.extension,
    readOnlyCompartment.of(access(readOnly)),
    insertSizeGuard(notify),
    EditorView.contentAttributes.of({ "aria-label": isCode ? "Code" : "Document", spellcheck: isCode ? "false" : "true" }),
    extra, // assistant UI (assistant/index.js)
    yCollab(ytext, awareness, { undoManager }),
  ];

  const view = new EditorView({ state: EditorState.create({ doc: ytext.toString(), extensions }), parent });
  const stopFollowingTheme = theme.follow(view);

  return {
    view,
    setReadOnly(value) {
      view.dispatch({ effects: readOnlyCompartment.reconfigure(access(value)) });
    },
    destroy() {
      stopFollowingTheme();
      view.destroy();
    },
  };
}
