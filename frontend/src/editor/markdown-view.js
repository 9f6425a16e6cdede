// Markdown view (documents): renders the text with marked, sanitised by DOMPurify (no scripts, no event
// handlers, no javascript: URLs; links open in a new tab), live as anyone edits, and the
// Edit / Split / Preview toggle in the toolbar above the editor.
import { Marked } from "marked";
import DOMPurify from "dompurify";

export const VIEWS = ["edit", "split", "preview"];
// The same names as the code canvases' tabs (templates/preview/_panel.html); people who cannot
// edit see "Source" rather than an "Edit" they cannot use.
const LABELS = { edit: "Edit", split: "Split", preview: "Preview" };
const READ_ONLY_LABELS = { ...LABELS, edit: "Source" };
const STORAGE_KEY = "canvas-document-view";
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

function storedView(fallback) {
  try {
    const value = localStorage.getItem(STORAGE_KEY);
    return VIEWS.includes(value) ? value : fallback;
  } catch {
    return fallback;
  }
}

/**
 * Attach the rendered view to a document canvas: `mount` holds the editor pane and the preview,
 * `toolbar` gets the view toggle. Returns {setView, render, destroy}.
 */
export function setupMarkdownView({ mount, editorPane, toolbar, ytext, readOnly = false }) {
  const preview = document.createElement("article");
  preview.className = "markdown-preview";
  preview.setAttribute("aria-label", "Rendered document");
  preview.setAttribute("aria-live", "off");
  mount.append(preview);

  let view = storedView(mount.clientWidth >= 900 ? "split" : "edit");
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

  function setView(name, remember = false) {
    if (!VIEWS.includes(name)) return;
    view = name;
    VIEWS.forEach((v) => mount.classList.toggle(`view-${v}`, v === name));
    buttons.forEach((b) => b.setAttribute("aria-pressed", String(b.dataset.view === name)));
    editorPane.hidden = name === "preview";
    preview.hidden = name === "edit";
    if (remember) {
      try {
        localStorage.setItem(STORAGE_KEY, name);
      } catch {
        // Not remembered: fine.
      }
    }
    if (visible()) render();
  }
  setView(view);

  return {
    preview,
    setView,
    render,
    view: () => view,
    destroy() {
      clearTimeout(timer);
      ytext.unobserve(schedule);
      group.remove();
      preview.remove();
    },
  };
}
