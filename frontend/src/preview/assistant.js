// "Fix with assistant": the error, the code and the console tail as an ordinary chat message, so the
// turn is shared with everyone in the chat like any other request (POST /canvases/<id>/messages).

export const MAX_MESSAGE = 8000; // canvas/chat_views.py MAX_TEXT
const PHASES = {
  transpile: "a syntax error (before anything ran)",
  import: "an import the preview cannot satisfy",
  render: "an error while rendering",
  runtime: "an error while running",
  timeout: "the preview stopped responding",
};

function numbered(lines, from, to, mark) {
  const width = String(to).length;
  const out = [];
  for (let n = from; n <= to; n++) out.push(`${n === mark ? ">" : " "} ${String(n).padStart(width)} | ${lines[n - 1]}`);
  return out.join("\n");
}

/** The chat message for an error (plain text; the model sees it as the person's request). */
export function buildFixMessage({ error, code, language, consoleTail = [] }) {
  const where = error.line ? ` at line ${error.line}${error.column ? `, column ${error.column}` : ""}` : "";
  const head = [
    `The live preview of this ${language} canvas fails with ${PHASES[error.phase] || "an error"}${where}. Please fix the code.`,
    "",
    `${error.name ? `${error.name}: ` : ""}${error.message}`,
  ];
  if (error.stack) head.push("", "Stack:", error.stack.split("\n").slice(0, 8).join("\n"));
  if (error.componentStack) head.push("", "Component stack:", error.componentStack.trim().split("\n").slice(0, 6).join("\n"));
  const tail = consoleTail.length
    ? ["", "Console (last lines):", ...consoleTail.slice(-12).map((c) => `[${c.level}] ${c.text.slice(0, 300)}`)]
    : [];
  const fence = "```";
  const lines = code.split("\n");
  const full = ["", `The code (${lines.length} lines):`, `${fence}${language}`, code, fence];
  let message = [...head, ...full, ...tail].join("\n");
  if (message.length <= MAX_MESSAGE) return message;
  // Too long for one chat message: the lines around the error (the model also reads the canvas).
  const mark = error.line || 1;
  for (let radius = 40; radius >= 5; radius -= 5) {
    const from = Math.max(1, mark - radius);
    const to = Math.min(lines.length, mark + radius);
    const excerpt = ["", `The code around line ${mark} (of ${lines.length}; the whole file is the canvas):`, fence, numbered(lines, from, to, error.line), fence];
    message = [...head, ...excerpt, ...tail].join("\n");
    if (message.length <= MAX_MESSAGE) return message;
  }
  return message.slice(0, MAX_MESSAGE - 1) + "…";
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
