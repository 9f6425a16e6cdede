// "Fix with assistant": the error as a short chat message (what failed, at which line, that line of
// code), with the stack and the console's last lines folded away under it (a ```fold block, which the
// chat shows closed: canvas/chat_markdown.py). The model reads the whole code in the canvas anyway.
// Sent as an ordinary chat message (POST /canvases/<id>/messages), shared with everyone in the chat.

export const MAX_MESSAGE = 8000; // canvas/chat_views.py MAX_TEXT
const MAX_DETAILS = 3000;
const CONSOLE_LINES = 8;

/** A fence longer than any run of backticks in `text`, so the text cannot close it. */
function fenceFor(text) {
  const longest = Math.max(0, ...Array.from(text.matchAll(/`+/g), (m) => m[0].length));
  return "`".repeat(Math.max(3, longest + 1));
}

function block(info, text) {
  const fence = fenceFor(text);
  return [`${fence}${info}`, text, fence].join("\n");
}

/** The chat message for an error (Markdown; the model sees it as the person's request). */
export function buildFixMessage({ error, code, language, consoleTail = [] }) {
  const what = `${error.name && !error.message.startsWith(error.name) ? `${error.name}: ` : ""}${error.message}`.trim();
  const where = error.line ? ` at line ${error.line}` : "";
  const parts = [error.phase === "timeout"
    ? `Fix the preview: ${error.message}`
    : `Fix the preview error${where}: ${what}`];
  const lines = code.split("\n");
  if (error.line && error.line <= lines.length) {
    parts.push(block(language, `${error.line} | ${lines[error.line - 1].slice(0, 300)}`));
  }
  const details = [];
  if (error.stack) details.push(error.stack.split("\n").slice(0, 8).join("\n"));
  if (error.componentStack) details.push(`Component stack:\n${error.componentStack.trim().split("\n").slice(0, 6).join("\n")}`);
  const tail = consoleTail.filter((c) => !c.uncaught).slice(-CONSOLE_LINES);
  if (tail.length) details.push(`Console (last lines):\n${tail.map((c) => `[${c.level}] ${c.text.slice(0, 200)}`).join("\n")}`);
  if (details.length) {
    let text = details.join("\n\n");
    if (text.length > MAX_DETAILS) text = `${text.slice(0, MAX_DETAILS)}…`;
    parts.push(block("fold Stack and console", text));
  }
  const message = parts.join("\n\n");
  return message.length <= MAX_MESSAGE ? message : `${message.slice(0, MAX_MESSAGE - 1)}…`;
}

export function csrfToken() {
  const match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
  if (match) return decodeURIComponent(match[1]);
  try {
    return JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"] || "";
  } catch {
    return "";
  }
}

/** Post the message as the person; returns {ok, text} (text: the server's refusal, if any). */
export async function sendToAssistant(url, text) {
  const body = new FormData();
  body.set("text", text);
  const response = await fetch(url, {
    method: "POST",
    body,
    credentials: "same-origin",
    headers: { "X-CSRFToken": csrfToken() },
  });
  if (response.ok) return { ok: true, text: "" };
  const refusal = response.headers.get("X-Canvas-Notice") ? await response.text() : `The server answered ${response.status}.`;
  return { ok: false, text: refusal };
}
