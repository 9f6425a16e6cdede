// Access detection: the sync server refuses non-members at the WebSocket handshake (HTTP 403 before
// accept), which a browser only sees as close code 1006, like any network failure. After a few
// connection attempts in a row that never opened, ask the page itself: a 404 (not a member any more,
// or the canvas is gone) or a redirect to the log-in page means reconnecting cannot help.

/** Attempts that never opened before we ask the server why. */
export const FAILED_ATTEMPTS_BEFORE_CHECK = 3;

/** "lost" when the page answers 404 or redirects (to log in); "ok" otherwise; "unknown" if unreachable. */
export async function checkAccess(url = window.location.pathname) {
  try {
    const response = await fetch(url, {
      method: "GET", redirect: "manual", credentials: "same-origin", cache: "no-store",
      headers: { Accept: "text/html" },
    });
    if (response.type === "opaqueredirect" || response.status === 404 || (response.status >= 300 && response.status < 400)) return "lost";
    return "ok";
  } catch {
    return "unknown"; // offline, server down: keep reconnecting
  }
}

/**
 * Count consecutive attempts that never opened on a y-websocket provider; after
 * FAILED_ATTEMPTS_BEFORE_CHECK of them, check access and call onLost() if it is gone.
 */
export function watchAccess({ provider, onLost, check = checkAccess }) {
  let opened = false;
  let streak = 0;
  let checking = false;
  let stopped = false;

  const onStatus = ({ status }) => {
    if (status === "connecting") opened = false;
    if (status === "connected") {
      opened = true;
      streak = 0;
    }
  };
  const onClose = async () => {
    if (opened) {
      streak = 0;
      return;
    }
    streak += 1;
    if (streak < FAILED_ATTEMPTS_BEFORE_CHECK || checking || stopped) return;
    checking = true;
    try {
      const verdict = await check();
      if (verdict === "lost" && !stopped) {
        stopped = true;
        onLost();
      }
      streak = 0; // still allowed or unknown: check again after as many failures
    } finally {
      checking = false;
    }
  };
  provider.on("status", onStatus);
  provider.on("connection-close", onClose);
  return () => {
    stopped = true;
    provider.off("status", onStatus);
    provider.off("connection-close", onClose);
  };
}
