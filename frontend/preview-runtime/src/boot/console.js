// The app's console, forwarded to the parent (rate-limited) and still printed in the frame.
import { clip, current, native, post } from "./channel.js";

const CONSOLE_BUDGET = 40; // console messages per second forwarded to the parent

export function formatValue(value, depth = 0) {
  if (typeof value === "string") return value;
  if (value instanceof Error) return value.stack && value.stack.includes(value.message) ? value.stack : `${value.name}: ${value.message}`;
  if (typeof value === "function") return `[Function ${value.name || "anonymous"}]`;
  if (typeof value === "symbol" || typeof value === "bigint") return String(value);
  if (value === undefined) return "undefined";
  if (value && typeof value === "object" && value.nodeType === 1) return `<${value.tagName.toLowerCase()}>`;
  try {
    const seen = new WeakSet();
    return JSON.stringify(value, (key, v) => {
      if (typeof v === "bigint") return `${v}n`;
      if (typeof v === "function") return `[Function ${v.name || "anonymous"}]`;
      if (v && typeof v === "object") {
        if (seen.has(v)) return "[Circular]";
        seen.add(v);
      }
      return v;
    }) ?? String(value);
  } catch {
    return depth ? "[Object]" : String(value);
  }
}

let consoleSent = 0;
let consoleDropped = 0;
native.setInterval(() => {
  if (consoleDropped) post("console", { run: current.run, level: "warn", text: `… ${consoleDropped} more console messages were not shown` });
  consoleSent = 0;
  consoleDropped = 0;
}, 1000);

/** A console line for the parent (also what the runtime itself says: blocked loads, shims). */
export function forward(level, args) {
  if (consoleSent >= CONSOLE_BUDGET) {
    consoleDropped += 1;
    return;
  }
  consoleSent += 1;
  post("console", { run: current.run, level, text: clip(args.map((a) => formatValue(a)).join(" ")) });
}

for (const level of ["log", "info", "warn", "error", "debug"]) {
  console[level] = (...args) => {
    forward(level, args);
    native.console[level](...args);
  };
}
console.table = (data, ...rest) => { forward("log", [data, ...rest]); native.console.table?.(data, ...rest); };
console.assert = (ok, ...args) => { if (!ok) forward("error", ["Assertion failed:", ...args]); };
