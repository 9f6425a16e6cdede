// Offline copy: keeps the canvas's Y document in IndexedDB ("canvas-<uuid>") so that edits typed
// while offline survive a reload, backs up the unsent ones synchronously when the page goes away
// (IndexedDB writes still in flight at unload can be dropped), and remembers how many there are.
import * as Y from "yjs";
import { IndexeddbPersistence } from "y-indexeddb";
import { fromBase64, toBase64 } from "lib0/buffer";

/**
 * Open the offline copy of a canvas. `ready` resolves once the stored updates are in `ydoc`
 * (or after `timeoutMs` if IndexedDB is slow or unavailable: editing must never wait on it).
 */
export function openOfflineCopy(canvasId, ydoc, timeoutMs = 2000) {
  let persistence = null;
  try {
    persistence = new IndexeddbPersistence(`canvas-${canvasId}`, ydoc);
  } catch (error) {
    console.warn("Canvas: no offline copy (IndexedDB unavailable)", error);
  }
  const loaded = persistence ? persistence.whenSynced.then(() => true, () => false) : Promise.resolve(false);
  const timeout = new Promise((resolve) => setTimeout(() => resolve(false), timeoutMs));
  return {
    persistence,
    ready: Promise.race([loaded, timeout]),
    /** Forget the offline copy (the canvas is gone, or we lost access to it). */
    async clear() {
      if (!persistence) return;
      try {
        await persistence.clearData();
      } catch (error) {
        console.warn("Canvas: could not clear the offline copy", error);
      }
    },
  };
}

/** A small counter kept in localStorage, so "N unsent edits" survives a reload made while offline. */
export function storedCounter(key) {
  const read = () => {
    try {
      return Math.max(0, Number.parseInt(localStorage.getItem(key) || "0", 10) || 0);
    } catch {
      return 0;
    }
  };
  const write = (value) => {
    try {
      if (value > 0) localStorage.setItem(key, String(value));
      else localStorage.removeItem(key);
    } catch {
      // Storage full or disabled: the count is only informative.
    }
  };
  return { read, write };
}

/** Above this the backup is skipped (localStorage is small); IndexedDB still holds the edits. */
const MAX_BACKUP_CHARS = 2_000_000;

/**
 * The local updates the server has not confirmed yet, written to localStorage on pagehide (and when
 * the tab is hidden), because that write is synchronous and survives an immediate reload or close.
 * Each tab writes its own key (`<prefix>:<tab>`), so two offline tabs do not overwrite each other.
 */
export function unsentBackup(prefix) {
  const key = `${prefix}:${Math.random().toString(36).slice(2, 10)}`;
  let updates = [];
  let dirty = false;

  const save = () => {
    if (!dirty) return;
    try {
      if (updates.length === 0) {
        localStorage.removeItem(key);
      } else {
        updates = [Y.mergeUpdates(updates)];
        const encoded = toBase64(updates[0]);
        if (encoded.length <= MAX_BACKUP_CHARS) localStorage.setItem(key, encoded);
        else localStorage.removeItem(key);
      }
      dirty = false;
    } catch (error) {
      console.warn("Canvas: could not back up unsent edits", error);
    }
  };
  const onHidden = () => {
    if (document.visibilityState === "hidden") save();
  };
  window.addEventListener("pagehide", save);
  document.addEventListener("visibilitychange", onHidden);

  return {
    add(update) {
      updates.push(update);
      if (updates.length > 200) updates = [Y.mergeUpdates(updates)];
      dirty = true;
    },
    /** The server has everything: drop the backup. */
    clear() {
      if (updates.length === 0 && !dirty) return;
      updates = [];
      dirty = true;
      save();
    },
    /**
     * Put backups left by earlier pages into `ydoc` (duplicates of what IndexedDB had are harmless);
     * they become this tab's until the server has them.
     */
    restore(ydoc, origin) {
      let found = 0;
      try {
        const keys = [];
        for (let i = 0; i < localStorage.length; i++) {
          const k = localStorage.key(i);
          if (k && k !== key && k.startsWith(`${prefix}:`)) keys.push(k);
        }
        for (const k of keys) {
          const encoded = localStorage.getItem(k);
          localStorage.removeItem(k);
          if (!encoded) continue;
          try {
            const update = fromBase64(encoded);
            Y.applyUpdate(ydoc, update, origin);
            updates.push(update);
            dirty = true;
            found += 1;
          } catch (error) {
            console.warn("Canvas: ignoring an unreadable backup of unsent edits", error);
          }
        }
      } catch {
        // localStorage unavailable: IndexedDB is the only copy.
      }
      save();
      return found;
    },
    save,
    destroy() {
      window.removeEventListener("pagehide", save);
      document.removeEventListener("visibilitychange", onHidden);
    },
  };
}
