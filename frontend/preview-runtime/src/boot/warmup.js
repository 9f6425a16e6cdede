// A spare frame (the page boots one ahead of time, frontend/src/preview/controller.js) runs the cold
// paths of a run once, so that the first real run does not pay for them: V8 compiles a function the
// first time it is called, and sucrase's parser and React's reconciler are large. Measured on a fresh
// frame's first paint: transpile 11-20 -> 3-6 ms, render 9-14 -> 3-6 ms. (Tailwind's first build,
// warmed the same way, gained nothing measurable.) What it leaves behind is compiled code: no element,
// React root or timer.
import { sucrase } from "./transpile.js";

// Most kinds of syntax a generated app has (and TypeScript's, for TSX).
const TYPES = `interface Props { title?: string; items?: Array<{ id: number }>; onPick?: (id: number) => void }
type Mode = "a" | "b";
enum Level { Low, High }
export class Store<T> { private items: T[] = []; add(item: T): void { this.items.push(item as T); } }
`;
const SAMPLE = `import React, { useState, useEffect } from "react";
import * as d3 from "d3";
const initial = { a: 1, ...{ b: 2 } };
export default function App({ title = "x", items = [], onPick }) {
  const [mode, setMode] = useState("a");
  const [value, setValue] = useState(() => initial.a ?? 0);
  useEffect(() => { const id = setTimeout(async () => { await Promise.resolve(value); }, 1); return () => clearTimeout(id); }, [value]);
  const label = \`\${title}: \${items.length > 0 ? items.map((i) => i.id).join(", ") : "none"}\`;
  return (
    <>
      <div className="p-4 flex" style={{ color: "red" }} onClick={(e) => setMode(mode === "a" ? "b" : "a")}>
        {label} {items.length && <span key="s" {...{ id: "s" }}>{value}</span>}
        <input value={value} onChange={(e) => setValue(Number(e.target.value))} disabled />
      </div>
    </>
  );
}
`;

let warmed = false;

/** Warm sucrase, and React once `react` (loadReact(), or null) resolves; then mark "canvas-warmed-up". */
export function warmUp(react) {
  if (warmed) return;
  warmed = true;
  try {
    sucrase(SAMPLE, {});
    sucrase(TYPES + SAMPLE, { typescript: true });
  } catch { /* nothing to warm */ }
  Promise.resolve(react?.then(renderOnce)).catch(() => {}).finally(() => performance.mark("canvas-warmed-up"));
}

/** One render with state, an effect and events, into a detached element, then gone. */
function renderOnce({ React, flushSync, createRoot }) {
  const h = React.createElement;
  function Probe() {
    const [count, setCount] = React.useState(0);
    React.useEffect(() => { if (count === 0) setCount(1); }, [count]);
    return h("div", { className: "p-4", onClick: () => setCount(count + 1) }, h("span", null, "n", count), h("input", { value: String(count), readOnly: true }));
  }
  const root = createRoot(document.createElement("div"));
  flushSync(() => root.render(h(Probe)));
  root.unmount();
  globalThis.__canvasRoots?.delete(root);
}
