// Writing view (documents): Markdown shown formatted as you type inside CodeMirror. Headings sized,
// bold and italic, inline code, lists, quotes, rules and links styled from the Markdown syntax tree,
// and the markup characters (#, **, _, `, >, link brackets and URLs) hidden except on the lines that
// hold the cursor or a selection. Pure decorations: the text (and so the Y.Text, collaboration,
// remote cursors, comments and suggestions) never changes. Ctrl/Cmd+click opens a link; a plain
// click only places the cursor. Decorations are built for the visible ranges only, as CodeMirror's
// own examples do, so a 100k-character document types as fast as in the source view.
import { Compartment } from "@codemirror/state";
import { Decoration, EditorView, ViewPlugin, WidgetType } from "@codemirror/view";
import { syntaxTree } from "@codemirror/language";

/** Markup hidden off the cursor's lines (with the space that follows it for # and >). */
const HIDDEN_MARKS = new Set(["EmphasisMark", "CodeMark", "StrikethroughMark"]);
const HEADINGS = {
  ATXHeading1: 1, ATXHeading2: 2, ATXHeading3: 3, ATXHeading4: 4, ATXHeading5: 5, ATXHeading6: 6,
  SetextHeading1: 1, SetextHeading2: 2,
};
const INLINE_CLASSES = {
  Emphasis: "cm-md-em",
  StrongEmphasis: "cm-md-strong",
  InlineCode: "cm-md-code",
  Strikethrough: "cm-md-strike",
};
/** Only these link targets open on Ctrl/Cmd+click; relative links resolve against the page. */
const SAFE_URL = /^(https?:|mailto:|\/|\.|#|[^:]*$)/i;

class BulletWidget extends WidgetType {
  eq() { return true; }
  toDOM() {
    const span = document.createElement("span");
    span.className = "cm-md-bullet";
    span.textContent = "•";
    return span;
  }
}

class RuleWidget extends WidgetType {
  eq() { return true; }
  toDOM() {
    const span = document.createElement("span");
    span.className = "cm-md-rule";
    span.setAttribute("aria-label", "Horizontal rule");
    return span;
  }
}

const hide = Decoration.replace({});
const bullet = Decoration.replace({ widget: new BulletWidget() });
const rule = Decoration.replace({ widget: new RuleWidget() });
const lineClass = (cls) => Decoration.line({ class: cls });
const headingLines = [1, 2, 3, 4, 5, 6].map((n) => lineClass(`cm-md-heading cm-md-h${n}`));
const quoteLine = lineClass("cm-md-quote");
const codeLine = lineClass("cm-md-codeblock");
const ruleLine = lineClass("cm-md-hr");
const marks = Object.fromEntries(Object.entries(INLINE_CLASSES).map(([name, cls]) => [name, Decoration.mark({ class: cls })]));
const linkMark = (url) => Decoration.mark({
  class: "cm-md-link", attributes: { "data-href": url, title: `${url}\n${/Mac/.test(navigator.platform) ? "⌘" : "Ctrl"}+click to open` },
});

/** Line numbers holding a cursor or a selection: their markup stays visible (only while focused). */
function activeLines(view) {
  const lines = new Set();
  if (!view.hasFocus) return lines;
  const { doc } = view.state;
  for (const range of view.state.selection.ranges) {
    const last = doc.lineAt(range.to).number;
    for (let n = doc.lineAt(range.from).number; n <= last; n++) lines.add(n);
  }
  return lines;
}

/** The link target of a Link or Autolink node (the text of its URL child), or "". */
function linkTarget(state, node) {
  const url = node.getChild("URL");
  return url ? state.sliceDoc(url.from, url.to).trim() : "";
}

function buildDecorations(view) {
  const { state } = view;
  const { doc } = state;
  const active = activeLines(view);
  const onActiveLine = (from, to) => {
    const first = doc.lineAt(from).number;
    const last = doc.lineAt(to).number;
    for (let n = first; n <= last; n++) if (active.has(n)) return true;
    return false;
  };
  // A replace decoration from a plugin may not cross a line break.
  const sameLine = (from, to) => from < to && doc.lineAt(from).number === doc.lineAt(to).number;
  const decorations = [];
  const addLines = (from, to, deco) => {
    for (let pos = from; pos <= to;) {
      const line = doc.lineAt(pos);
      decorations.push(deco.range(line.from));
      pos = line.to + 1;
    }
  };
  const hideRange = (from, to) => {
    if (sameLine(from, to) && !onActiveLine(from, to)) decorations.push(hide.range(from, to));
  };

  for (const { from, to } of view.visibleRanges) {
    syntaxTree(state).iterate({
      from, to,
      enter(node) {
        const name = node.name;
        const level = HEADINGS[name];
        if (level) {
          addLines(node.from, node.to, headingLines[level - 1]);
          return;
        }
        if (name === "HeaderMark") {
          // "## " (with its space) before the text; a setext underline hides whole.
          const after = doc.sliceString(node.to, node.to + 1) === " " ? node.to + 1 : node.to;
          hideRange(node.from, after);
          return;
        }
        if (name === "Blockquote") {
          addLines(node.from, node.to, quoteLine);
          return;
        }
        if (name === "QuoteMark") {
          const after = doc.sliceString(node.to, node.to + 1) === " " ? node.to + 1 : node.to;
          hideRange(node.from, after);
          return;
        }
        if (name === "FencedCode" || name === "CodeBlock") {
          addLines(node.from, node.to, codeLine);
          return;
        }
        if (name === "HorizontalRule") {
          addLines(node.from, node.to, ruleLine);
          if (sameLine(node.from, node.to) && !onActiveLine(node.from, node.to)) decorations.push(rule.range(node.from, node.to));
          return false;
        }
        if (name === "ListMark") {
          const text = doc.sliceString(node.from, node.to);
          const task = node.node.parent?.getChild("Task");
          if (/^[-*+]$/.test(text) && !task && !onActiveLine(node.from, node.to)) {
            decorations.push(bullet.range(node.from, node.to));
          } else {
            decorations.push(Decoration.mark({ class: "cm-md-listmark" }).range(node.from, node.to));
          }
          return;
        }
        if (marks[name]) {
          decorations.push(marks[name].range(node.from, node.to));
          return;
        }
        if (HIDDEN_MARKS.has(name)) {
          // Fenced code's ``` stay: they are lines of their own, not inline markup.
          if (name === "CodeMark" && node.node.parent?.name !== "InlineCode") return;
          hideRange(node.from, node.to);
          return;
        }
        if (name === "Link" || name === "Autolink") {
          const url = linkTarget(state, node.node);
          if (!url) return;
          decorations.push(linkMark(url).range(node.from, node.to));
          if (name === "Autolink") {
            for (const mark of node.node.getChildren("LinkMark")) hideRange(mark.from, mark.to);
            return false;
          }
          // [text](url "title"): hide "[" and everything from "](" to the end; the text inside may
          // still hold emphasis or code, so the walk goes on into it.
          const linkMarks = node.node.getChildren("LinkMark");
          if (linkMarks.length >= 3 && !onActiveLine(node.from, node.to)) {
            decorations.push(hide.range(linkMarks[0].from, linkMarks[0].to));
            if (sameLine(linkMarks[1].from, node.to)) decorations.push(hide.range(linkMarks[1].from, node.to));
          }
          return undefined;
        }
        if (name === "URL" && !["Link", "Autolink", "Image", "LinkReference"].includes(node.node.parent?.name)) {
          // A bare URL (GFM autolink).
          const url = doc.sliceString(node.from, node.to);
          decorations.push(linkMark(url).range(node.from, node.to));
        }
        return undefined;
      },
    });
  }
  return Decoration.set(decorations, true);
}

const writingPlugin = ViewPlugin.fromClass(class {
  constructor(view) {
    this.decorations = buildDecorations(view);
  }

  update(update) {
    if (update.docChanged || update.viewportChanged || update.selectionSet || update.focusChanged
        || syntaxTree(update.startState) !== syntaxTree(update.state)) {
      this.decorations = buildDecorations(update.view);
    }
  }
}, { decorations: (plugin) => plugin.decorations });

/** The link target under a document position, or "" (for Ctrl/Cmd+click). */
export function linkAt(state, pos) {
  for (let node = syntaxTree(state).resolveInner(pos, 1); node; node = node.parent) {
    if (node.name === "Link" || node.name === "Autolink") return linkTarget(state, node);
    if (node.name === "URL" && node.parent?.name !== "Image") return state.sliceDoc(node.from, node.to).trim();
  }
  return "";
}

const isMac = typeof navigator !== "undefined" && /Mac|iPhone|iPad/.test(navigator.platform);

const openLinks = EditorView.domEventHandlers({
  mousedown(event, view) {
    if (event.button !== 0 || !(isMac ? event.metaKey : event.ctrlKey)) return false;
    const pos = view.posAtCoords({ x: event.clientX, y: event.clientY });
    if (pos == null) return false;
    const url = linkAt(view.state, pos);
    if (!url || !SAFE_URL.test(url)) return false;
    event.preventDefault();
    const target = /^[a-z][a-z0-9+.-]*:|^\//i.test(url) || url.startsWith(".") || url.startsWith("#") ? url : `https://${url}`;
    window.open(new URL(target, window.location.href).href, "_blank", "noopener,noreferrer");
    return true; // not a second cursor
  },
});

const writingExtensions = [
  writingPlugin,
  openLinks,
  EditorView.editorAttributes.of({ class: "cm-writing" }),
];

/** A switch between the writing view and the plain source, for one editor. */
export function createWritingMode(initiallyOn = true) {
  const compartment = new Compartment();
  let on = initiallyOn;
  return {
    extension: compartment.of(on ? writingExtensions : []),
    isOn: () => on,
    set(view, value) {
      if (value === on) return;
      on = value;
      view.dispatch({ effects: compartment.reconfigure(on ? writingExtensions : []) });
    },
  };
}
