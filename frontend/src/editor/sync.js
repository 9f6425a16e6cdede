// Sync: connects the Y document to the server (/ws/canvases/<uuid>/sync) with y-websocket, turns the
// server's error frames and close codes into notices, and tracks what the connection indicator shows:
// connected / reconnecting / offline, and how many local edits were made since we were last in sync.
import * as Y from "yjs";
import { WebsocketProvider, messageAuth, messageSync } from "y-websocket";
import * as authProtocol from "y-protocols/auth";
import * as syncProtocol from "y-protocols/sync";
import * as encoding from "lib0/encoding";
import * as decoding from "lib0/decoding";
import { storedCounter, unsentBackup } from "./storage.js";
import { watchAccess } from "./access.js";

/** Origin of updates restored from the unsent-edits backup (not counted again, not new edits). */
export const BACKUP_ORIGIN = Symbol("canvas-unsent-backup");

/** Close codes the server uses; terminal ones stop the reconnect loop. */
export const CLOSE_CODES = {
  4400: { text: "The server could not read a message from this editor. Reconnecting…", terminal: false },
  4401: { text: "Your session has ended. Log in again to keep editing.", terminal: true },
  4403: { text: "You no longer have access to this canvas.", terminal: true },
  4404: { text: "This canvas no longer exists.", terminal: true },
  4413: { text: "A change was too large for the server to accept. Reconnecting…", terminal: false },
  1011: { text: "The server could not load this canvas. Retrying…", terminal: false },
};

/** How long a lost connection shows "Reconnecting…" before it counts as offline. */
const GRACE_MS = 4000;
/** How long we wait, once synced, for the server's own SyncStep1 (which collects our offline edits). */
const STEP1_WAIT_MS = 3000;
/** The same notice is not repeated more often than this (reconnect loops). */
const NOTICE_REPEAT_MS = 15000;

/**
 * y-websocket builds its URL as `serverUrl + "/" + room`, so "/ws/canvases/<uuid>/sync" becomes
 * serverUrl "ws(s)://host/ws/canvases/<uuid>" and room "sync".
 */
export function providerAddress(path, loc = window.location) {
  const scheme = loc.protocol === "https:" ? "wss:" : "ws:";
  const clean = `/${String(path).replace(/^\/+|\/+$/g, "")}`;
  const cut = clean.lastIndexOf("/");
  return { serverUrl: `${scheme}//${loc.host}${clean.slice(0, cut)}`, room: clean.slice(cut + 1) };
}

export function createSync({ ydoc, awareness, canvasId, path, persistence, canWrite, notify }) {
  const counter = storedCounter(`canvas-unsent-${canvasId}`);
  const backup = unsentBackup(`canvas-unsent-update-${canvasId}`);
  const listeners = new Set();
  const lastNotice = new Map();
  let unsent = counter.read();
  let live = false; // socket open, synced, and the server has had our answer to its SyncStep1
  let answeredStep1 = false;
  let everSynced = false;
  let terminal = null;
  let downSince = Date.now();
  let graceTimer = 0;
  let step1Timer = 0;

  const say = (text, kind = "error") => {
    const now = Date.now();
    if (now - (lastNotice.get(text) || 0) < NOTICE_REPEAT_MS) return;
    lastNotice.set(text, now);
    notify(text, kind);
  };

  const { serverUrl, room } = providerAddress(path);
  const provider = new WebsocketProvider(serverUrl, room, ydoc, {
    awareness,
    connect: false,
    shouldReconnect: (event) => !CLOSE_CODES[event.code]?.terminal,
  });

  // Presence: y-websocket sends every awareness change it hears of to the server, others' states and
  // the ends of others' presences included. The server already told everyone of those: in a room of
  // N people each cursor move came back N-1 times, for the server to parse and drop. Only this
  // client's own state is sent (destroy() removes the handler it finds in this field).
  const sendAwareness = provider._awarenessUpdateHandler;
  awareness.off("update", sendAwareness);
  provider._awarenessUpdateHandler = ({ added, updated, removed }, origin) => {
    const own = (ids) => ids.filter((id) => id === awareness.clientID);
    const mine = { added: own(added), updated: own(updated), removed: own(removed) };
    if (mine.added.length || mine.updated.length || mine.removed.length) sendAwareness(mine, origin);
  };
  awareness.on("update", provider._awarenessUpdateHandler);

  // Sync frames: note when we have answered the server's SyncStep1 on this connection, because
  // that answer (our SyncStep2) is what carries edits made while offline.
  const defaultSyncHandler = provider.messageHandlers[messageSync];
  provider.messageHandlers[messageSync] = (encoder, decoder, p, emitSynced, type) => {
    const inner = decoding.peekVarUint(decoder);
    defaultSyncHandler(encoder, decoder, p, emitSynced, type);
    if (emitSynced && inner === syncProtocol.messageYjsSyncStep1) {
      answeredStep1 = true;
      queueMicrotask(update); // after the provider has sent the reply
    }
  };

  // Error frames: outer type 2, inner 0 (permission denied), then the reason.
  provider.messageHandlers[messageAuth] = (_encoder, decoder) => {
    authProtocol.readAuthMessage(decoder, ydoc, (_doc, reason) => {
      say(reason || "The server refused a change.", "error");
    });
  };

  // The same oversized frame (e.g. the SyncStep2 carrying big offline edits) is sent again on every
  // reconnect, and a synced connection resets y-websocket's backoff: slow the loop down ourselves.
  let tooLargeStreak = 0;
  let openedAt = 0;
  let pausedByUs = false;
  provider.on("status", ({ status }) => {
    if (status === "connected") openedAt = Date.now();
  });
  provider.on("connection-close", (event) => {
    const known = event && CLOSE_CODES[event.code];
    if (known) say(known.text, "error");
    if (openedAt && Date.now() - openedAt > 10_000) tooLargeStreak = 0;
    if (!event || event.code !== 4413) return;
    tooLargeStreak += 1;
    if (tooLargeStreak < 2 || terminal) return;
    provider.shouldConnect = false; // the provider's own retry becomes a no-op
    pausedByUs = true;
    setTimeout(() => {
      if (pausedByUs && !terminal) provider.connect();
      pausedByUs = false;
    }, Math.min(30_000, 1000 * 2 ** tooLargeStreak));
  });
  provider.on("closed", (event) => {
    terminal = event;
    emitTerminal(event);
    update();
  });

  // Refused at the handshake (403 before accept) looks like a network failure (1006): after a few
  // attempts that never opened, access.js asks the page; if access is gone, end as a 4403 close would.
  const stopWatchingAccess = watchAccess({
    provider,
    onLost: () => {
      if (terminal) return;
      const event = { code: 4403, reason: "access lost" };
      say(CLOSE_CODES[4403].text, "error");
      provider.disconnect();
      terminal = event;
      emitTerminal(event);
      update();
    },
  });
  provider.on("status", () => {
    answeredStep1 = false; // connecting, connected (nothing received yet) or gone: wait for a new SyncStep1
    update();
  });
  provider.on("sync", update);

  // Local edits (not from the server, other tabs or the offline copy) made while not in sync.
  const onUpdate = (update, origin) => {
    if (origin === provider || origin === BACKUP_ORIGIN || (persistence && origin === persistence)) return;
    if (live) return;
    backup.add(update);
    setUnsent(unsent + 1);
  };
  ydoc.on("update", onUpdate);

  // The browser's own idea of the network: going offline drops the socket at once (a dead socket
  // can otherwise look open for up to 30 s); coming back online retries without waiting for backoff.
  const onOffline = () => {
    if (!terminal && provider.shouldConnect && (provider.wsconnected || provider.wsconnecting)) {
      provider.disconnect();
      provider.connect();
    }
    update();
  };
  const onOnline = () => {
    if (!terminal && provider.shouldConnect && provider.ws === null) provider.connect();
    update();
  };
  window.addEventListener("offline", onOffline);
  window.addEventListener("online", onOnline);

  function setUnsent(value) {
    if (value === unsent) return;
    unsent = value;
    counter.write(unsent);
    emit();
  }

  function isPaused() {
    return pausedByUs && !provider.shouldConnect;
  }

  function state() {
    if (live) return "connected";
    if (terminal || (!provider.shouldConnect && !isPaused()) || !navigator.onLine) return "offline";
    if (downSince && Date.now() - downSince >= GRACE_MS) return "offline";
    return "reconnecting";
  }

  function snapshot() {
    return { state: state(), unsent, everSynced, terminal };
  }

  function emit() {
    const snap = snapshot();
    listeners.forEach((fn) => fn(snap));
  }

  const terminalListeners = new Set();
  function emitTerminal(event) {
    terminalListeners.forEach((fn) => fn(event));
  }

  function markDown() {
    if (!downSince) downSince = Date.now();
    clearTimeout(graceTimer);
    graceTimer = setTimeout(emit, GRACE_MS + 20);
  }

  /** Fallback for a server that never sends its SyncStep1: push our whole state (updates are idempotent). */
  function pushWholeState() {
    step1Timer = 0;
    if (!provider.wsconnected || !provider.synced || answeredStep1 || !provider.ws) return;
    if (unsent > 0 && canWrite) {
      console.warn("Canvas: the server sent no SyncStep1 on this connection; sending our whole state instead.");
      const encoder = encoding.createEncoder();
      encoding.writeVarUint(encoder, messageSync);
      syncProtocol.writeUpdate(encoder, Y.encodeStateAsUpdate(ydoc));
      provider.ws.send(encoding.toUint8Array(encoder));
    }
    answeredStep1 = true;
    update();
  }

  function update() {
    const wasLive = live;
    const inSync = provider.wsconnected && provider.synced && !terminal;
    live = inSync && answeredStep1;
    if (inSync && !answeredStep1 && !step1Timer) step1Timer = setTimeout(pushWholeState, STEP1_WAIT_MS);
    if (!inSync && step1Timer) {
      clearTimeout(step1Timer);
      step1Timer = 0;
    }
    if (live && !wasLive) {
      downSince = 0;
      clearTimeout(graceTimer);
      setUnsent(0);
      backup.clear();
      if (!everSynced) {
        everSynced = true;
        document.dispatchEvent(new CustomEvent("canvas:synced", { detail: { canvasId } }));
      }
    } else if (!live) {
      markDown();
    }
    emit();
  }

  return {
    provider,
    start() {
      backup.restore(ydoc, BACKUP_ORIGIN);
      if (!terminal) provider.connect();
      update();
    },
    snapshot,
    unsent: () => unsent,
    isSynced: () => everSynced,
    isLive: () => live,
    onChange(fn) {
      listeners.add(fn);
      fn(snapshot());
      return () => listeners.delete(fn);
    },
    onTerminal(fn) {
      terminalListeners.add(fn);
      return () => terminalListeners.delete(fn);
    },
    destroy() {
      clearTimeout(graceTimer);
      clearTimeout(step1Timer);
      stopWatchingAccess();
      ydoc.off("update", onUpdate);
      backup.destroy();
      window.removeEventListener("offline", onOffline);
      window.removeEventListener("online", onOnline);
      provider.destroy();
    },
  };
}
