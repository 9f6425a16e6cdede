// Canvas editor entry point (static/dist/editor.js): reads #editor-mount's data attributes, wires the
// Y document to its offline copy, the sync socket, presence, the connection indicator, CodeMirror and
// (for documents) the Markdown view, then exposes window.canvasEditor for tests and later features.
import * as Y from "yjs";
import { Awareness } from "y-protocols/awareness";
import { setupAssistantUI } from "./assistant/index.js";
import { authorsExtension, setupAuthorsToggle } from "./authors.js";
import { caretLabels } from "./caret-labels.js";
import { createEditor } from "./editor.js";
import { lastTurnExtension, setupLastTurnToggle } from "./last-turn.js";
import { setupMarkdownView, storedShowSource } from "./markdown-view.js";
import { setupPresence } from "./presence.js";
import { createStatusIndicator } from "./status.js";
import { openOfflineCopy } from "./storage.js";
import { createSync } from "./sync.js";
import { createWritingMode } from "./writing.js";

const notify = (text, kind = "info") => {
  if (typeof window.canvasNotify === "function") window.canvasNotify(text, kind);
  else console[kind === "error" ? "error" : "log"](text);
};

/** The settings the template puts on #editor-mount. */
export function readMount(mount) {
  const d = mount.dataset;
  return {
    canvasId: d.canvasId,
    kind: d.kind === "code" ? "code" : "document",
    language: d.language || (d.kind === "code" ? "" : "markdown"),
    role: d.role || "viewer",
    readOnly: d.readonly !== "false",
    // Commenters: the text is read-only, but they may comment (and resolve comments).
    canComment: d.canComment === "true" || d.readonly === "false",
    syncPath: d.syncPath || `/ws/canvases/${d.canvasId}/sync`,
    // Numeric like the id the server stamps on presence states, so both spell the same person alike.
    user: { id: /^\d+$/.test(d.userId || "") ? Number(d.userId) : d.userId, name: d.userName || "Anonymous" },
  };
}

export async function mountEditor(mount) {
  const config = readMount(mount);
  const ydoc = new Y.Doc();
  const ytext = ydoc.getText("content");
  const awareness = new Awareness(ydoc);
  // Only my own edits are undone: yCollab adds its sync origin (local typing) as the tracked origin.
  const undoManager = new Y.UndoManager(ytext);

  const offline = openOfflineCopy(config.canvasId, ydoc);
  const sync = createSync({
    ydoc, awareness, canvasId: config.canvasId, path: config.syncPath,
    persistence: offline.persistence, canWrite: !config.readOnly, notify,
  });

  const presence = setupPresence({ awareness, ydoc, user: config.user, container: document.getElementById("participants") });
  sync.onChange(createStatusIndicator(document.getElementById("connection-status")));

  mount.replaceChildren();
  mount.classList.add("editor-mounted", `editor-${config.kind}`);
  if (config.readOnly) mount.classList.add("editor-readonly");
  const editorPane = document.createElement("div");
  editorPane.className = "editor-pane";
  mount.append(editorPane);

  const assistantUI = setupAssistantUI({
    ydoc, ytext, awareness, user: config.user, notify, undoManager, canComment: config.canComment,
  });
  // Documents open in the writing view (Markdown formatted as it is typed) unless the person chose the source.
  const writing = config.kind === "document" ? createWritingMode(!storedShowSource()) : null;
  const editor = createEditor({
    parent: editorPane, ytext, awareness, undoManager,
    kind: config.kind, language: config.language, readOnly: config.readOnly, notify,
    extensions: [
      ...assistantUI.extensions, lastTurnExtension, authorsExtension, caretLabels(awareness),
      writing ? writing.extension : [],
    ],
  });
  presence.attachEditor(editor.view, ytext);
  const toolbar = document.getElementById("editor-toolbar");
  assistantUI.attach(editor.view, {
    panelElement: document.getElementById("comments-panel"),
    area: document.getElementById("canvas-area"),
    overlay: document.getElementById("draft-overlay"),
    toolbar,
  });
  // Viewers get no "✦ Last AI edit": it is a tool for the people who work on the text.
  if (config.role !== "viewer") {
    setupLastTurnToggle({ toolbar, view: editor.view, ytext, canvasId: config.canvasId, notify });
  }
  setupAuthorsToggle({ toolbar, view: editor.view, ytext, canvasId: config.canvasId, notify });
  const markdownView = config.kind === "document"
    ? setupMarkdownView({
      mount, editorPane, toolbar, ytext, readOnly: config.readOnly,
      editorView: editor.view, writing,
    })
    : null;
  // A code canvas's view tabs come with the page, in this toolbar: moved after the toggles, so the
  // row reads as on documents ("✦ Last AI edit", Authors, then the views).
  const codeViews = document.getElementById("preview-tabs");
  if (codeViews && toolbar?.contains(codeViews)) toolbar.append(codeViews);

  sync.onTerminal((event) => {
    editor.setReadOnly(true);
    assistantUI.setReadOnly(true, { canComment: false });
    mount.classList.add("editor-readonly");
    if (event.code === 4403 || event.code === 4404) offline.clear();
  });

  window.canvasEditor = {
    config,
    view: editor.view,
    ydoc,
    ytext,
    provider: sync.provider,
    awareness,
    undoManager,
    sync,
    offline,
    presence,
    markdownView,
    editor,
    assistantUI,
    unsentEdits: () => sync.unsent(),
    isSynced: () => sync.isSynced(),
  };
  document.dispatchEvent(new CustomEvent("canvas:editor-ready", { detail: window.canvasEditor }));

  // Load what this browser kept offline before connecting, so our first SyncStep1 already covers it.
  await offline.ready;
  sync.start();
  return window.canvasEditor;
}

function boot() {
  const mount = document.getElementById("editor-mount");
  if (!mount || mount.dataset.mounted) return;
  mount.dataset.mounted = "true";
  mountEditor(mount).catch((error) => {
    console.error(error);
    notify("The editor could not start. Reload the page to try again.", "error");
  });
}

if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", boot);
else boot();
