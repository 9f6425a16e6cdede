// Markdown view (documents): renders the text with marked, sanitised by DOMPurify (no scripts, no event
// handlers, no javascript: URLs; links open in a new tab), live as anyone edits, and the
// Edit / Split / Preview toggle in the toolbar above the editor, with a "Markdown" switch beside it
// that shows the editor's plain source instead of the writing view (writing.js), the default.
import { Marked } from "marked";
import DOMPurify from "dompurify";

export const VIEWS = ["edit", "split", "preview"];
// The same names as the code canvases' tabs (templates/preview/_tabs.html); people who cannot
// edit see "Read" rather than an "Edit" they cannot use (code canvases say "Source": there the
// first tab is the source; here it is the writing view, with the source behind "Markdown").
const LABELS = { edit: "Edit", split: "Split", preview: "Preview" };
const READ_ONLY_LABELS = { ...LABELS, edit: "Read" };
const STORAGE_KEY = "canvas-document-view";
const SOURCE_KEY = "canvas-document-source";
const DEBOUNCE_MS = 150;

const marked = new Marked({ gfm: true, breaks: false, async: false });

const purify = DOMPurify(window);
purify.addHook("afterSanitizeAttributes", (node) => {
  if (node.tagName === "A" && node.hasAttribute("href")) {
    if (!node.getAttribute("href").startsWith("#")) {
      node.setAttribute("target", "_blank");
      node.setAttribute("rel", "noopener noreferrer");
    }
  }
  if (node.tagName === "IMG") node.setAttribute("loading", "lazy");
});

const PURIFY_CONFIG = {
  USE_PROFILES: { html: true },
  FORBID_TAGS: ["style", "form", "iframe", "frame", "frameset", "object", "embed", "base", "link", "meta", "button", "textarea", "select"],
  FORBID_ATTR: ["style", "srcset", "formaction", "action"],
  ADD_ATTR: ["target"],
  ALLOW_DATA_ATTR: false,
};

/** Markdown → safe HTML (a string). */
export function renderMarkdown(text) {
  return purify.sanitize(marked.parse(String(text || "")), PURIFY_CONFIG);
}

function stored(key) {
  try {
    return localStorage.getItem(key);
  } catch {
    return null;
  }
}

function remember(key, value) {
  try {
    localStorage.setItem(key, value);
  } catch {
    // Not remembered: fine.
  }
}

/** Whether the editor should show the plain Markdown source (remembered; off by default). */
export function storedShowSource() {
  return stored(SOURCE_KEY) === "true";
}

/**
 * Attach the rendered view to a document canvas: `mount` holds the editor pane and the preview,
 * `toolbar` gets the view toggle and the "Markdown" switch, which turns `writing` (a
 * createWritingMode() of `editorView`) off and on. Returns {setView, setShowSource, render, destroy}.
 */
export function setupMarkdownView({ mount, editorPane, toolbar, ytext, readOnly = false, editorView = null, writing = null }) {
  const preview = document.createElement("article");
  preview.className = "markdown-preview";
  preview.setAttribute("aria-label", "Rendered document");
  preview.setAttribute("aria-live", "off");
  mount.append(preview);

  // The writing view is the default: it is the document formatted, so a preview beside it is a choice.
  let view = VIEWS.includes(stored(STORAGE_KEY)) ? stored(STORAGE_KEY) : "edit";
  let timer = 0;
  let renderedText = null;

  const visible = () => view !== "edit";
  const render = () => {
    clearTimeout(timer);
    timer = 0;
    const text = ytext.toString();
    if (text === renderedText) return;
    renderedText = text;
    preview.innerHTML = renderMarkdown(text);
    preview.classList.toggle("is-empty", text.trim() === "");
  };
  const schedule = () => {
    if (!visible() || timer) return;
    timer = setTimeout(render, DEBOUNCE_MS);
  };
  ytext.observe(schedule);

  const group = document.createElement("div");
  group.className = "view-toggle";
  group.setAttribute("role", "group");
  group.setAttribute("aria-label", "View");
  const buttons = VIEWS.map((name) => {
    const button = document.createElement("button");
    button.type = "button";
    button.className = "view-toggle-button";
    button.dataset.view = name;
    button.textContent = (readOnly ? READ_ONLY_LABELS : LABELS)[name];
    button.addEventListener("click", () => setView(name, true));
    return button;
  });
  group.append(...buttons);
  toolbar?.append(group);

  // The plain source, one click away from the writing view (like Obsidian's "Source mode").
  const sourceButton = document.createElement("button");
  sourceButton.type = "button";
  sourceButton.className = "source-toggle";
  sourceButton.textContent = "Markdown";
  sourceButton.title = "Show the Markdown source: every #, ** and link address";
  sourceButton.hidden = !writing;
  sourceButton.addEventListener("click", () => setShowSource(writing.isOn(), true));
  toolbar?.append(sourceButton);

  function setShowSource(show, save = false) {
    if (!writing || !editorView) return;
    writing.set(editorView, !show);
    sourceButton.setAttribute("aria-pressed", String(show));
    mount.classList.toggle("showing-source", show);
    if (save) remember(SOURCE_KEY, String(show));
  }
  if (writing) setShowSource(!writing.isOn());

  function setView(name, save = false) {
    if (!VIEWS.includes(name)) return;
    view = name;
    VIEWS.forEach((v) => mount.classList.toggle(`view-${v}`, v === name));
    buttons.forEach((b) => b.setAttribute("aria-pressed", String(b.dataset.view === name)));
    editorPane.hidden = name === "preview";
    preview.hidden = name === "edit";
    sourceButton.hidden = !writing || name === "preview";
    if (save) remember(STORAGE_KEY, name);
    if (visible()) render();
  }
  setView(view);

  return {
    preview,
    setView,
    setShowSource,
    showingSource: () => Boolean(writing) && !writing.isOn(),
    render,
    view: () => view,
    destroy() {
      clearTimeout(timer);
      ytext.unobserve(schedule);
      group.remove();
      sourceButton.remove();
      preview.remove();
    },
  };
}
