// Theme: the editor's look from the page's CSS variables (--surface, --text, --accent, ... flip with
// prefers-color-scheme), and syntax highlighting as tok-* classes coloured in static/css/canvas.css.
import { Compartment } from "@codemirror/state";
import { EditorView } from "@codemirror/view";
import { syntaxHighlighting } from "@codemirror/language";
import { tagHighlighter, tags as t } from "@lezer/highlight";

/** Token classes (a superset of @lezer/highlight's classHighlighter: tags, attributes, functions, Markdown marks). */
export const tokenClasses = tagHighlighter([
  { tag: [t.heading1, t.heading2, t.heading3, t.heading4, t.heading5, t.heading6, t.heading], class: "tok-heading" },
  { tag: t.link, class: "tok-link" },
  { tag: t.url, class: "tok-url" },
  { tag: t.emphasis, class: "tok-emphasis" },
  { tag: t.strong, class: "tok-strong" },
  { tag: t.strikethrough, class: "tok-strikethrough" },
  { tag: t.quote, class: "tok-quote" },
  { tag: t.monospace, class: "tok-monospace" },
  { tag: [t.processingInstruction, t.contentSeparator], class: "tok-mark" },
  { tag: [t.keyword, t.controlKeyword, t.definitionKeyword, t.moduleKeyword, t.operatorKeyword, t.modifier], class: "tok-keyword" },
  { tag: [t.self, t.null, t.atom], class: "tok-atom" },
  { tag: t.bool, class: "tok-bool" },
  { tag: [t.number, t.integer, t.float], class: "tok-number" },
  { tag: [t.string, t.docString, t.character], class: "tok-string" },
  { tag: [t.regexp, t.escape, t.special(t.string)], class: "tok-string2" },
  { tag: t.comment, class: "tok-comment" },
  { tag: [t.lineComment, t.blockComment, t.docComment], class: "tok-comment" },
  { tag: t.variableName, class: "tok-variableName" },
  { tag: t.definition(t.variableName), class: "tok-variableName tok-definition" },
  { tag: [t.function(t.variableName), t.function(t.definition(t.variableName)), t.function(t.propertyName)], class: "tok-function" },
  { tag: [t.typeName, t.className, t.namespace, t.standard(t.typeName)], class: "tok-typeName" },
  { tag: t.propertyName, class: "tok-propertyName" },
  { tag: [t.tagName, t.angleBracket], class: "tok-tagName" },
  { tag: t.attributeName, class: "tok-attributeName" },
  { tag: t.attributeValue, class: "tok-string" },
  { tag: [t.labelName, t.macroName, t.meta, t.annotation], class: "tok-meta" },
  { tag: t.operator, class: "tok-operator" },
  { tag: t.punctuation, class: "tok-punctuation" },
  { tag: t.inserted, class: "tok-inserted" },
  { tag: t.deleted, class: "tok-deleted" },
  { tag: t.invalid, class: "tok-invalid" },
]);

const base = EditorView.theme({
  "&": { height: "100%", color: "var(--text)", backgroundColor: "var(--surface)", fontSize: "14px" },
  "&.cm-focused": { outline: "none" },
  ".cm-scroller": { fontFamily: "var(--mono)", lineHeight: "1.55", overflow: "auto" },
  ".cm-content": { caretColor: "var(--text)", padding: "12px 0" },
  ".cm-line": { padding: "0 16px" },
  ".cm-cursor, .cm-dropCursor": { borderLeftColor: "var(--text)", borderLeftWidth: "2px" },
  "&.cm-focused > .cm-scroller > .cm-selectionLayer .cm-selectionBackground, .cm-selectionBackground, ::selection":
    { backgroundColor: "color-mix(in srgb, var(--accent) 28%, transparent)" },
  ".cm-activeLine": { backgroundColor: "color-mix(in srgb, var(--surface-2) 60%, transparent)" },
  ".cm-gutters": { backgroundColor: "var(--surface)", color: "var(--muted)", borderRight: "1px solid var(--border)" },
  ".cm-activeLineGutter": { backgroundColor: "var(--surface-2)", color: "var(--text)" },
  ".cm-foldPlaceholder": { backgroundColor: "var(--surface-2)", border: "1px solid var(--border)", color: "var(--muted)" },
  ".cm-matchingBracket, &.cm-focused .cm-matchingBracket": {
    backgroundColor: "color-mix(in srgb, var(--ok) 22%, transparent)", outline: "1px solid color-mix(in srgb, var(--ok) 50%, transparent)",
  },
  ".cm-searchMatch": { backgroundColor: "color-mix(in srgb, var(--warn) 30%, transparent)", outline: "1px solid var(--warn)" },
  ".cm-searchMatch.cm-searchMatch-selected": { backgroundColor: "color-mix(in srgb, var(--accent) 35%, transparent)" },
  ".cm-selectionMatch": { backgroundColor: "color-mix(in srgb, var(--accent) 14%, transparent)" },
  ".cm-panels": { backgroundColor: "var(--surface-2)", color: "var(--text)" },
  ".cm-panels.cm-panels-top": { borderBottom: "1px solid var(--border)" },
  ".cm-panels.cm-panels-bottom": { borderTop: "1px solid var(--border)" },
  ".cm-panel.cm-search": { fontFamily: "var(--font)", padding: "6px 28px 6px 10px" },
  ".cm-panel.cm-search input, .cm-panel.cm-search button, .cm-panel.cm-search label": { fontSize: "0.85rem" },
  ".cm-textfield": { backgroundColor: "var(--surface)", color: "var(--text)", border: "1px solid var(--border)", borderRadius: "6px" },
  ".cm-button": { backgroundImage: "none", backgroundColor: "var(--surface)", color: "var(--text)", border: "1px solid var(--border)", borderRadius: "6px" },
  ".cm-tooltip": { backgroundColor: "var(--surface)", color: "var(--text)", border: "1px solid var(--border)" },
  // Remote cursors: keep the name label readable on any background.
  ".cm-ySelectionInfo": { fontFamily: "var(--font)", fontWeight: "600", padding: "1px 4px", borderRadius: "3px 3px 3px 0" },
});

/**
 * The theme extensions plus a media-query listener that tells CodeMirror whether the page is dark
 * (its own defaults for panels and tooltips follow that flag; our colours follow the CSS variables).
 */
export function themeExtensions() {
  const dark = new Compartment();
  const query = window.matchMedia ? window.matchMedia("(prefers-color-scheme: dark)") : null;
  const isDark = () => Boolean(query && query.matches);
  const scheme = (on) => [EditorView.darkTheme.of(on), EditorView.editorAttributes.of({ "data-theme": on ? "dark" : "light" })];
  const extension = [base, dark.of(scheme(isDark())), syntaxHighlighting(tokenClasses)];
  const follow = (view) => {
    if (!query) return () => {};
    const onChange = () => view.dispatch({ effects: dark.reconfigure(scheme(isDark())) });
    query.addEventListener("change", onChange);
    return () => query.removeEventListener("change", onChange);
  };
  return { extension, follow };
}
