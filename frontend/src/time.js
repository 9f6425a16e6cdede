// One way to say when something happened, everywhere (chat, comment cards, history, lists): the same
// rules as canvas/timefmt.py (change both together), in the reader's time zone, kept fresh.

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const MINUTE = 60_000;
const REFRESH_MS = 30_000;

const two = (n) => String(n).padStart(2, "0");
const sameDay = (a, b) => a.getFullYear() === b.getFullYear() && a.getMonth() === b.getMonth() && a.getDate() === b.getDate();

/** "just now", "5 min ago", "14:05", "Yesterday 14:05", "12 Mar 14:05", "12 Mar 2024". */
export function when(date, now = new Date()) {
  const age = now - date;
  if (age < MINUTE) return "just now"; // also for clocks slightly ahead of ours
  if (age < 60 * MINUTE) return `${Math.floor(age / MINUTE)} min ago`;
  const clock = `${two(date.getHours())}:${two(date.getMinutes())}`;
  if (sameDay(date, now)) return clock;
  const yesterday = new Date(now);
  yesterday.setDate(now.getDate() - 1);
  if (sameDay(date, yesterday)) return `Yesterday ${clock}`;
  if (date.getFullYear() === now.getFullYear()) return `${date.getDate()} ${MONTHS[date.getMonth()]} ${clock}`;
  return `${date.getDate()} ${MONTHS[date.getMonth()]} ${date.getFullYear()}`;
}

/** A <time data-when> element for an instant (refreshed by refreshTimes like the server's). */
export function timeElement(date, className = "") {
  const time = document.createElement("time");
  if (className) time.className = className;
  time.dateTime = date.toISOString();
  time.dataset.when = "";
  paint(time, date);
  return time;
}

function paint(time, date) {
  const text = when(date);
  if (time.textContent !== text) time.textContent = text;
  const full = date.toLocaleString([], { dateStyle: "medium", timeStyle: "short" });
  if (time.title !== full) time.title = full;
}

/** Say every <time data-when> under `root` again, in the reader's time zone and as of now. */
export function refreshTimes(root = document) {
  for (const time of root.querySelectorAll("time[data-when]")) {
    const date = new Date(time.dateTime);
    if (!Number.isNaN(date.getTime())) paint(time, date);
  }
}

/** Keep the page's times fresh: now, every half minute, and when htmx brings new ones. */
export function keepTimesFresh() {
  refreshTimes();
  setInterval(() => refreshTimes(), REFRESH_MS);
  document.addEventListener("htmx:afterSettle", (event) => refreshTimes(event.target || document));
  document.addEventListener("htmx:wsAfterMessage", () => refreshTimes());
}
