// Export: the code file as it is, or one standalone HTML file (the runtime inlined, built by the
// server from the same vendored files as the preview) that runs offline from disk.
import { csrfToken } from "./assistant.js";

const EXTENSIONS = { jsx: "jsx", tsx: "tsx", html: "html", javascript: "js" };

export function safeName(title) {
  return (title || "canvas").replace(/[^A-Za-z0-9._-]+/g, "-").replace(/^[-._]+|[-._]+$/g, "").slice(0, 60) || "canvas";
}

function download(blob, filename) {
  const url = URL.createObjectURL(blob);
  const a = document.createElement("a");
  a.href = url;
  a.download = filename;
  a.rel = "noopener";
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export function downloadCode({ code, language, title }) {
  download(new Blob([code], { type: "text/plain;charset=utf-8" }), `${safeName(title)}.${EXTENSIONS[language] || "txt"}`);
}

export async function downloadStandalone({ code, language, title, url }) {
  const body = new FormData();
  body.set("code", code);
  body.set("language", language);
  body.set("title", title || "");
  const response = await fetch(url, { method: "POST", body, credentials: "same-origin", headers: { "X-CSRFToken": csrfToken() } });
  if (!response.ok) throw new Error((await response.text()) || `The server answered ${response.status}.`);
  const name = language === "html" ? `${safeName(title)}.standalone.html` : `${safeName(title)}.html`;
  download(await response.blob(), name);
}
