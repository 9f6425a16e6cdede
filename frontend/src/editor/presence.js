// Presence: stable per-user colours, the local awareness state ({user: {id, name, color, colorLight}}),
// the avatar row in #participants (one avatar per person, the assistant as ✦), and leaving on pagehide.
import { removeAwarenessStates } from "y-protocols/awareness";

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
    people.set(key, {
      id: user.id, name: String(user.name || "Anonymous"), color: safeColor(user),
      isAssistant: Boolean(user.isAssistant), you: false, clients: 1,
    });
  });
  const rank = (p) => (p.you ? 0 : p.isAssistant ? 2 : 1);
  return [...people.values()].sort((a, b) => rank(a) - rank(b) || a.name.localeCompare(b.name));
}

function avatarFor(person) {
  const el = document.createElement("span");
  el.className = person.isAssistant ? "avatar avatar-assistant" : person.you ? "avatar avatar-you" : "avatar";
  el.dataset.userId = String(person.id ?? "");
  el.dataset.userName = person.name;
  const label = person.you ? `${person.name} (you)` : person.isAssistant ? `${person.name} (assistant)` : person.name;
  el.title = label;
  el.setAttribute("role", "img");
  el.setAttribute("aria-label", label);
  el.style.backgroundColor = person.color;
  el.textContent = person.isAssistant ? "✦" : initials(person.name);
  return el;
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
  const render = () => {
    if (!container) return;
    const people = peopleFrom(awareness.getStates(), ydoc.clientID, localUser);
    const signature = JSON.stringify(people.map((p) => [p.id, p.name, p.color, p.isAssistant, p.you]));
    if (signature === shown) return;
    shown = signature;
    container.replaceChildren(...people.map(avatarFor));
  };
  awareness.on("change", render);
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
    destroy() {
      awareness.off("change", render);
      window.removeEventListener("pagehide", leave);
      window.removeEventListener("pageshow", comeBack);
    },
  };
}
