// Messages forged from inside the frame: a wrong token, an oversized one, an unknown type.
export default function Forger() {
  const token = new URLSearchParams(location.search).get("ch");
  parent.postMessage({ channel: "wrong-token", type: "error", phase: "render", name: "Error", message: "FORGED-WRONG-TOKEN", run: 99 }, "*");
  parent.postMessage({ channel: token, type: "console", level: "error", text: "FORGED-HUGE " + "x".repeat(1_000_000) }, "*");
  parent.postMessage({ channel: token, type: "navigate", url: "https://example.com" }, "*");
  return <p id="done">sent</p>;
}
