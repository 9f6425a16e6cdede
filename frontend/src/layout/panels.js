// The side panels of the canvas page: chat (left of the canvas) and comments (right of the editor).
// Each can be collapsed to a rail and resized by dragging (or arrow keys on) its edge; the choice is
// kept in localStorage. The panels never take more than 40% of the width, so the editor keeps 60%:
// when both do not fit, the one not opened last folds to its rail for now (not remembered).
// Below 600 px one panel shows at a time, picked by tabs (#panel-tabs).

const STORAGE_KEY = "canvas-panels";
const RAIL = 40; // px: a collapsed panel's rail, wide enough for its expand button
const EDITOR_SHARE = 0.6; // the editor keeps at least this share of the workspace's width
const STACKED_BELOW = 761; // px: 600-760 stacks the chat under the canvas (canvas.css)
const STEP = 16; // px per arrow key on a resize handle
const PANELS = {
  chat: { min: 240, max: 560, width: 340 },
  comments: { min: 200, max: 480, width: 280 },
};

function load() {
  try {
    const saved = JSON.parse(localStorage.getItem(STORAGE_KEY) || "{}");
    return Object.fromEntries(Object.entries(PANELS).map(([name, spec]) => {
      const s = saved[name] || {};
      const width = Number.isFinite(s.width) ? Math.min(spec.max, Math.max(spec.min, s.width)) : spec.width;
      return [name, { collapsed: s.collapsed === true, width }];
    }));
  } catch {
    return { chat: { collapsed: false, width: PANELS.chat.width }, comments: { collapsed: false, width: PANELS.comments.width } };
  }
}

function save(state) {
  try {
    localStorage.setItem(STORAGE_KEY, JSON.stringify(state));
  } catch {
    // Not remembered: fine.
  }
}

function collapseButton(name, label) {
  const button = document.createElement("button");
  button.type = "button";
  button.className = "panel-collapse";
  button.dataset.panelToggle = name;
  button.setAttribute("aria-expanded", "true");
  button.title = `Hide the ${label.toLowerCase()}`;
  button.setAttribute("aria-label", `${label} panel`);
  return button;
}

function resizeHandle(name, label) {
  const handle = document.createElement("div");
  handle.className = `panel-resize panel-resize-${name}`;
  handle.dataset.panelResize = name;
  handle.tabIndex = 0;
  handle.setAttribute("role", "separator");
  handle.setAttribute("aria-orientation", "vertical");
  handle.setAttribute("aria-label", `Resize the ${label.toLowerCase()}`);
  return handle;
}

/** Wire the panels of the canvas page; returns {fit} or null on other pages. */
export function setupPanels() {
  const workspace = document.querySelector(".workspace");
  const chat = document.getElementById("chat-panel");
  const area = document.getElementById("canvas-area");
  const comments = document.getElementById("comments-panel");
  if (!workspace || !chat || !area || !comments) return null;

  const state = load();
  const shown = { chat: !state.chat.collapsed, comments: !state.comments.collapsed };
  let lastOpened = "chat";
  const elements = { chat, comments };

  chat.querySelector(".panel-header")?.prepend(collapseButton("chat", "Chat"));
  chat.append(resizeHandle("chat", "Chat"));
  const addCommentControls = () => {
    const header = comments.querySelector(".panel-header");
    if (!header || header.querySelector("[data-panel-toggle]")) return;
    header.prepend(collapseButton("comments", "Comments"));
    comments.append(resizeHandle("comments", "Comments"));
    fit();
  };

  /** Widths for the window as it is now: each panel's width, or its rail. */
  function fit() {
    const width = workspace.clientWidth;
    const hasComments = area.classList.contains("has-comments") && !comments.hidden;
    if (window.innerWidth < STACKED_BELOW) {
      workspace.style.removeProperty("--chat-col");
      area.style.removeProperty("--comments-col");
      workspace.dataset.chat = "open";
      area.dataset.comments = "open";
      syncButtons();
      return;
    }
    const budget = Math.floor(width * (1 - EDITOR_SHARE)) - 2;
    const open = { chat: shown.chat, comments: shown.comments && hasComments };
    const want = (name) => (open[name] ? state[name].width : RAIL);
    let chatW = want("chat");
    let commentsW = hasComments ? want("comments") : 0;
    if (chatW + commentsW > budget) {
      // Shrink toward the minimums first, then fold the panel not opened last.
      if (open.chat) chatW = Math.max(PANELS.chat.min, Math.min(chatW, budget - commentsW));
      if (open.comments && chatW + commentsW > budget) {
        commentsW = Math.max(PANELS.comments.min, budget - chatW);
      }
      if (chatW + commentsW > budget) {
        const fold = open.chat && open.comments ? (lastOpened === "chat" ? "comments" : "chat") : (open.chat ? "chat" : "comments");
        open[fold] = false;
        if (fold === "chat") {
          chatW = RAIL;
          if (open.comments) commentsW = Math.min(state.comments.width, budget - RAIL);
        } else {
          commentsW = RAIL;
          if (open.chat) chatW = Math.min(state.chat.width, budget - RAIL);
        }
      }
    }
    workspace.style.setProperty("--chat-col", `${chatW}px`);
    area.style.setProperty("--comments-col", `${commentsW}px`);
    workspace.dataset.chat = open.chat ? "open" : "collapsed";
    area.dataset.comments = open.comments || !hasComments ? "open" : "collapsed";
    syncButtons();
  }

  function syncButtons() {
    for (const name of ["chat", "comments"]) {
      const host = name === "chat" ? workspace.dataset.chat : area.dataset.comments;
      const expanded = host !== "collapsed";
      elements[name].querySelectorAll(`[data-panel-toggle="${name}"]`).forEach((b) => {
        b.setAttribute("aria-expanded", String(expanded));
        b.title = expanded ? `Hide the ${name}` : `Show the ${name}`;
        b.textContent = expanded ? (name === "chat" ? "«" : "»") : (name === "chat" ? "»" : "«");
      });
    }
  }

  function toggle(name) {
    const host = name === "chat" ? workspace.dataset.chat : area.dataset.comments;
    const open = host === "collapsed";
    shown[name] = open;
    state[name].collapsed = !open;
    if (open) lastOpened = name;
    save(state);
    fit();
  }

  function resize(name, width) {
    const spec = PANELS[name];
    state[name].width = Math.round(Math.min(spec.max, Math.max(spec.min, width)));
    shown[name] = true;
    state[name].collapsed = false;
    lastOpened = name;
    save(state);
    fit();
  }

  document.addEventListener("click", (event) => {
    const button = event.target.closest("[data-panel-toggle]");
    if (button) toggle(button.dataset.panelToggle);
    const tab = event.target.closest("[data-panel-tab]");
    if (tab) selectTab(tab.dataset.panelTab);
  });

  document.addEventListener("keydown", (event) => {
    const handle = event.target.closest?.("[data-panel-resize]");
    if (!handle || !["ArrowLeft", "ArrowRight"].includes(event.key)) return;
    event.preventDefault();
    const name = handle.dataset.panelResize;
    const grow = (event.key === "ArrowRight") === (name === "chat");
    resize(name, elements[name].getBoundingClientRect().width + (grow ? STEP : -STEP));
  });

  document.addEventListener("pointerdown", (event) => {
    const handle = event.target.closest?.("[data-panel-resize]");
    if (!handle) return;
    event.preventDefault();
    const name = handle.dataset.panelResize;
    const startX = event.clientX;
    const startWidth = elements[name].getBoundingClientRect().width;
    const sign = name === "chat" ? 1 : -1; // the chat grows to the right, comments to the left
    handle.setPointerCapture(event.pointerId);
    document.body.classList.add("panel-resizing");
    const move = (e) => resize(name, startWidth + sign * (e.clientX - startX));
    const up = () => {
      handle.removeEventListener("pointermove", move);
      document.body.classList.remove("panel-resizing");
    };
    handle.addEventListener("pointermove", move);
    handle.addEventListener("pointerup", up, { once: true });
    handle.addEventListener("pointercancel", up, { once: true });
  });

  // Tabs below 600 px: the canvas, the chat, or the comments.
  const tabs = document.getElementById("panel-tabs");
  function selectTab(name) {
    workspace.dataset.tab = name;
    tabs?.querySelectorAll("[data-panel-tab]").forEach((t) => t.setAttribute("aria-selected", String(t.dataset.panelTab === name)));
  }
  selectTab("canvas");

  const syncCommentsTab = () => {
    const present = area.classList.contains("has-comments");
    const tab = tabs?.querySelector('[data-panel-tab="comments"]');
    if (tab) tab.hidden = !present;
    if (!present && workspace.dataset.tab === "comments") selectTab("canvas");
  };
  new MutationObserver(() => {
    addCommentControls();
    syncCommentsTab();
    fit();
  }).observe(area, { attributes: true, attributeFilter: ["class"] });
  new MutationObserver(addCommentControls).observe(comments, { childList: true });
  window.addEventListener("resize", fit);
  addCommentControls();
  syncCommentsTab();
  fit();
  return { fit, toggle, selectTab };
}
