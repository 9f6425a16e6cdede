// Presence: stable per-user colours, the local awareness state ({user: {id, name, color, colorLight}}),
// the avatar row in #participants (one avatar per person, the assistant as ✦ with what it is working
// on), following someone (click their avatar: the editor keeps their cursor in view), and leaving on
// pagehide.
import * as Y from "yjs";
import { EditorView } from "@codemirror/view";
import { removeAwarenessStates } from "y-protocols/awareness";
import { identityText, modelOf } from "./assistant/identity.js";

/** Twelve colours that stay apart from each other and carry white initials in light and dark themes. */
export const PALETTE = [
  "#d9434f", // red
  "#e0761b", // orange
  "#b08900", // mustard
  "#3d9a3a", // green
  "#12968a", // teal
  "#1f87c9", // blue
  "#4c5ad8", // indigo
  "#8a47b8", // purple
  "#c43b8e", // magenta
  "#8a6240", // brown
  "#5f7684", // slate
  "#2f7552", // forest
];

const HEX_COLOR = /^#(?:[0-9a-f]{3}|[0-9a-f]{6})$/i;

/** FNV-1a over the id's characters: the same user gets the same colour in every browser. */
export function hashString(text) {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

export function colorFor(id) {
  return PALETTE[hashString(String(id)) % PALETTE.length];
}

/** The selection tint y-codemirror.next draws behind a user's selection (colour at 20 % alpha). */
export function lightColor(color) {
  const full = color.length === 4 ? `#${[...color.slice(1)].map((c) => c + c).join("")}` : color;
  return `${full}33`;
}

/** "alice" → "A", "Ada Lovelace" → "AL", "bob_jones" → "BJ". */
export function initials(name) {
  const words = String(name || "?").trim().split(/[\s._-]+/).filter(Boolean);
  const letters = words.length > 1 ? [words[0], words[words.length - 1]] : words.slice(0, 1);
  return letters.map((w) => [...w][0].toUpperCase()).join("") || "?";
}

/** A remote peer chooses its own colour; only a plain hex colour is drawn, anything else gets ours. */
function safeColor(user) {
  return typeof user.color === "string" && HEX_COLOR.test(user.color) ? user.color : colorFor(user.id ?? user.name);
}

/** Who each awareness state belongs to: the same person in two tabs is one key. */
function personKey(user) {
  if (user.isAssistant) return `assistant:${user.id ?? user.name}`;
  return `user:${user.id ?? user.name}`;
}

/** The people present, one entry each, you first, then people by name, the assistant last. */
export function peopleFrom(states, localClientId, localUser) {
  const people = new Map();
  const localKey = personKey(localUser);
  people.set(localKey, { ...localUser, you: true, clients: 1 });
  states.forEach((state, clientId) => {
    const user = state && state.user;
    if (!user || typeof user !== "object" || clientId === localClientId) return;
    const key = personKey(user);
    const known = people.get(key);
    if (known) {
      known.clients += 1;
      return;
    }
    const task = user.isAssistant && user.task && typeof user.task === "object"
      ? { request: String(user.task.request || ""), askedBy: String(user.task.askedBy || "") } : null;
    people.set(key, {
      id: user.id, name: String(user.name || "Anonymous"), color: safeColor(user),
      isAssistant: Boolean(user.isAssistant), you: false, clients: 1, key, task,
      model: user.isAssistant ? modelOf(user) : "",
    });
  });
  const rank = (p) => (p.you ? 0 : p.isAssistant ? 2 : 1);
  return [...people.values()].sort((a, b) => rank(a) - rank(b) || a.name.localeCompare(b.name));
}

/** "Make the intro shorter (asked by alice)": what the assistant is doing, for its avatar. */
export function taskText(task) {
  if (!task || !task.request) return "";
  return `${task.request}${task.askedBy ? ` (asked by ${task.askedBy})` : ""}`;
}

function avatarFor(person, followed) {
  // Others' avatars are buttons: clicking one follows that person's cursor.
  const el = document.createElement(person.you ? "span" : "button");
  el.className = person.isAssistant ? "avatar avatar-assistant" : person.you ? "avatar avatar-you" : "avatar";
  el.dataset.userId = String(person.id ?? "");
  el.dataset.userName = person.name;
  const task = taskText(person.task);
  const label = person.you ? `${person.name} (you)`
    : person.isAssistant ? `${identityText(person.model)}${task ? ` · working on: ${task}` : ""}` : person.name;
  el.title = label;
  el.setAttribute("aria-label", person.you ? label : `${label}: follow`);
  if (person.you) {
    el.setAttribute("role", "img");
  } else {
    el.type = "button";
    el.dataset.key = person.key;
    el.setAttribute("aria-pressed", String(person.key === followed));
  }
  el.style.backgroundColor = person.color;
  el.textContent = person.isAssistant ? "✦" : initials(person.name);
  return el;
}

function taskPill(person) {
  const pill = document.createElement("span");
  pill.className = "assistant-task";
  pill.textContent = `✦ ${taskText(person.task)}`;
  pill.title = `${identityText(person.model)} is working on: ${taskText(person.task)}`;
  return pill;
}

/**
 * Publish who we are, keep #participants in step with everyone's awareness state,
 * and withdraw our state when the page goes away (so our cursor vanishes for others at once).
 */
export function setupPresence({ awareness, ydoc, user, container }) {
  const color = colorFor(user.id);
  const localUser = { id: user.id, name: user.name, color, colorLight: lightColor(color) };
  awareness.setLocalStateField("user", localUser);

  let shown = "";
  let followed = null; // the person key whose cursor the editor keeps in view
  let view = null;
  let ytext = null;

  const render = () => {
    if (!container) return;
    const people = peopleFrom(awareness.getStates(), ydoc.clientID, localUser);
    if (followed && !people.some((p) => p.key === followed)) followed = null; // they left
    const signature = JSON.stringify([followed, people.map((p) => [p.id, p.name, p.color, p.isAssistant, p.you, p.task])]);
    if (signature === shown) return;
    shown = signature;
    const nodes = people.map((p) => avatarFor(p, followed));
    people.filter((p) => p.isAssistant && p.task && p.task.request).forEach((p) => nodes.push(taskPill(p)));
    container.replaceChildren(...nodes);
  };

  /** Where the followed person's cursor is now (an editor offset), or null. */
  const followedPosition = () => {
    let found = null;
    awareness.getStates().forEach((state, clientId) => {
      const user = state && state.user;
      if (found !== null || clientId === ydoc.clientID || !user || personKey(user) !== followed) return;
      const head = state.cursor && state.cursor.head;
      if (!head) return;
      try {
        const abs = Y.createAbsolutePositionFromRelativePosition(Y.createRelativePositionFromJSON(head), ydoc);
        if (abs && abs.type === ytext) found = abs.index;
      } catch {
        // a malformed position from a peer: nothing to follow yet
      }
    });
    return found;
  };

  const keepInView = () => {
    if (!followed || !view) return;
    const at = followedPosition();
    if (at !== null && at <= view.state.doc.length) {
      view.dispatch({ effects: EditorView.scrollIntoView(at, { y: "center" }) });
    }
  };

  const follow = (key) => {
    followed = followed === key ? null : key;
    render();
    keepInView();
  };
  const stopFollowing = () => {
    if (!followed) return;
    followed = null;
    render();
  };
  container?.addEventListener("click", (event) => {
    const avatar = event.target.closest(".avatar[data-key]");
    if (avatar) follow(avatar.dataset.key);
  });

  awareness.on("change", render);
  awareness.on("change", keepInView);
  render();

  const leave = () => removeAwarenessStates(awareness, [ydoc.clientID], "window unload");
  const comeBack = (event) => {
    // Back from the back/forward cache: announce ourselves again.
    if (event.persisted) awareness.setLocalStateField("user", localUser);
  };
  window.addEventListener("pagehide", leave);
  window.addEventListener("pageshow", comeBack);

  return {
    user: localUser,
    render,
    /** Following needs the editor: call once it exists. Typing or clicking in it stops following. */
    attachEditor(editorView, text) {
      view = editorView;
      ytext = text;
      view.dom.addEventListener("keydown", stopFollowing);
      view.dom.addEventListener("mousedown", stopFollowing);
    },
    following: () => followed,
    destroy() {
      awareness.off("change", render);
      awareness.off("change", keepInView);
      window.removeEventListener("pagehide", leave);
      window.removeEventListener("pageshow", comeBack);
    },
  };
}
