// Assistant UI in the editor: the selection toolbar (Ask ✦ / Comment, Ctrl/Cmd+K), flashes on the
// passages the assistant just edited, the live draft of a rewrite, and comments (marks + cards).
// setupAssistantUI() gives the CodeMirror extensions (before the view exists); attach(view) wires the rest.
import { EditorSelection } from "@codemirror/state";
import { EditorView } from "@codemirror/view";
import { selectionToolbar } from "./ask.js";
import { commentMarks, setCommentRanges } from "./comment-marks.js";
import { createCommentPanel } from "./comment-panel.js";
import { COMMENT_ORIGIN, addComment, applySuggestion, openComments, resolveComment } from "./comments.js";
import { setupDraftOverlay } from "./draft-overlay.js";
import { flashField, watchFlashes } from "./flash.js";
import { createSuggestionBar } from "./suggestion-bar.js";
import { setSuggestions, suggestionMarks } from "./suggestion-marks.js";
import { SUGGESTION_ORIGIN, acceptSuggestion, placeSuggestions, rejectSuggestion, settleAll } from "./suggestions.js";

export function setupAssistantUI({ ydoc, ytext, awareness, user, notify, undoManager, canComment = true }) {
  const ymap = ydoc.getMap("comments");
  const offered = ydoc.getMap("suggestions");
  // Ctrl/Cmd+Z takes back an applied or accepted suggestion like my own typing (the text; the comment
  // stays resolved, the suggestion gone).
  undoManager?.addTrackedOrigin(COMMENT_ORIGIN);
  undoManager?.addTrackedOrigin(SUGGESTION_ORIGIN);
  let view = null;
  let panel = null;
  let readOnly = false;
  let mayComment = canComment;
  let bar = null;
  const cleanups = [];

  const accept = (id) => {
    if (readOnly) return;
    undoManager?.stopCapturing(); // its own undo step, never merged with typing just before
    if (!acceptSuggestion(ydoc, ytext, offered, id)) notify("That suggestion no longer fits the text: someone changed it.", "error");
    undoManager?.stopCapturing();
  };
  const reject = (id) => {
    if (!readOnly) rejectSuggestion(ydoc, offered, id);
  };

  const onComment = (_view, { from, to, body }) => {
    if (!mayComment) return;
    addComment(ydoc, ytext, ymap, { from, to, body, author: user.name || "Someone", userId: user.id });
  };

  const extensions = [
    // Commenters select read-only text to comment on it or ask about it.
    selectionToolbar({ onComment, allowed: (state) => mayComment || !state.readOnly }),
    commentMarks,
    suggestionMarks({ enabled: () => !readOnly, accept, reject }),
    flashField,
    // The cursor inside commented words highlights their card.
    EditorView.updateListener.of((update) => {
      const active = update.state.field(commentMarks).active;
      if (panel && active !== update.startState.field(commentMarks).active) panel.setActive(active);
    }),
  ];

  // Comment ranges and cards follow the Y document: recompute after any change to the text or the map.
  let scheduled = false;
  const refresh = () => {
    scheduled = false;
    if (!view) return;
    const comments = openComments(ydoc, ytext, ymap);
    const ranges = comments.filter((c) => c.range).map((c) => ({ id: c.id, from: c.range.from, to: c.range.to }));
    const current = view.state.field(commentMarks).ranges;
    const same = current.length === ranges.length
      && current.every((r, i) => r.id === ranges[i].id && r.from === ranges[i].from && r.to === ranges[i].to);
    if (!same) view.dispatch({ effects: setCommentRanges.of(ranges) });
    panel?.render(comments, { canApply: !readOnly, canResolve: mayComment });
    const shown = visibleSuggestions();
    const signature = JSON.stringify(shown.map((s) => [s.id, s.at, s.pieces, s.insert, readOnly]));
    if (signature !== shownSignature) {
      shownSignature = signature;
      view.dispatch({ effects: setSuggestions.of(shown) });
    }
    bar?.render(shown, { canAct: !readOnly });
  };
  let shownSignature = "";
  const visibleSuggestions = () => placeSuggestions(ydoc, ytext, offered)
    .filter((s) => !s.stale)
    .map((s) => ({
      ...s,
      title: `✦ Assistant suggests${s.askedBy ? ` · asked by ${s.askedBy}` : ""}${s.request ? `: “${s.request}”` : ""}`,
    }));
  // After the transaction (and the editor's own update for it), never inside them; at most once a
  // frame (the marks follow the text through CodeMirror's change mapping in between).
  const schedule = () => {
    if (scheduled) return;
    scheduled = true;
    if (document.hidden) queueMicrotask(refresh);
    else requestAnimationFrame(refresh);
  };

  const selectComment = (id) => {
    const comment = openComments(ydoc, ytext, ymap).find((c) => c.id === id);
    if (!view || !comment || !comment.range) return;
    const { from, to } = comment.range;
    view.dispatch({ selection: EditorSelection.single(from, to), effects: EditorView.scrollIntoView(from, { y: "center" }) });
    view.focus();
  };

  function attach(editorView, { panelElement, area, overlay, toolbar } = {}) {
    view = editorView;
    readOnly = view.state.readOnly;
    bar = createSuggestionBar({
      toolbar,
      onAcceptAll: () => {
        if (readOnly) return;
        undoManager?.stopCapturing();
        settleAll(ydoc, ytext, offered, true);
        undoManager?.stopCapturing();
      },
      onRejectAll: () => !readOnly && settleAll(ydoc, ytext, offered, false),
    });
    if (panelElement) {
      panel = createCommentPanel({
        panel: panelElement,
        area,
        onSelect: selectComment,
        onApply: (id) => {
          if (readOnly) return;
          if (!applySuggestion(ydoc, ytext, ymap, id)) notify("The commented text could not be found any more.", "error");
        },
        onResolve: (id) => {
          if (mayComment) resolveComment(ydoc, ymap, id);
        },
      });
    }
    ytext.observe(schedule);
    ymap.observe(schedule);
    offered.observe(schedule);
    cleanups.push(() => {
      ytext.unobserve(schedule);
      ymap.unobserve(schedule);
      offered.unobserve(schedule);
    });
    cleanups.push(watchFlashes({ view, ydoc, ytext, awareness }));
    cleanups.push(setupDraftOverlay({ overlay, ydoc, awareness }));
    refresh();
  }

  return {
    extensions,
    attach,
    /** Read-only text: no Apply. People who lost access pass canComment: false (no Resolve / Comment). */
    setReadOnly(value, { canComment: comment = mayComment } = {}) {
      readOnly = Boolean(value);
      mayComment = Boolean(comment);
      if (view) refresh();
    },
    refresh,
    comments: () => openComments(ydoc, ytext, ymap),
    suggestions: visibleSuggestions,
    acceptSuggestion: accept,
    rejectSuggestion: reject,
    destroy() {
      cleanups.forEach((fn) => fn());
    },
  };
}
