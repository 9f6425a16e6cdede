// "just now", "3 min ago", "2 h ago", "yesterday", "Mar 4": how long ago something happened.

/** `then` and `now` in epoch milliseconds. */
export function timeAgo(then, now = Date.now()) {
  const minutes = Math.floor((now - then) / 60000);
  if (minutes < 1) return "just now";
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return `${hours} h ago`;
  if (hours < 48) return "yesterday";
  return new Date(then).toLocaleDateString(undefined, { month: "short", day: "numeric" });
}
