// React apps: the default export (or the one component the module exports) mounted in #root inside an
// error boundary, unless the code renders itself (createRoot(...).render(<App />)).
import { native } from "./channel.js";
import { fromThrown, report } from "./errors.js";
import { splitIcons } from "./icons.js";
import { checkImports, dropStyleImports } from "./imports.js";
import { loadModuleChecked } from "./loader.js";
import { afterPaint, pageIsEmpty, rootElement } from "./page.js";
import { transpileApp } from "./transpile.js";

const EXTENSIONS = { tsx: "tsx", jsx: "jsx", javascript: "js", html: "html" };

// React comes through the import map (the same instance as the user's code), and only when a
// React app runs: an HTML page's frame does not download it.
let reactLoading = null;
export function loadReact() {
  if (!reactLoading) {
    reactLoading = Promise.all([import("react"), import("react-dom"), import("react-dom/client")])
      .then(([React, ReactDOM, client]) => ({ React, flushSync: ReactDOM.flushSync, createRoot: client.createRoot, Boundary: makeBoundary(React) }));
  }
  return reactLoading;
}

function makeBoundary(React) {
  return class Boundary extends React.Component {
    constructor(props) {
      super(props);
      this.state = { error: null };
    }

    static getDerivedStateFromError(error) {
      return { error };
    }

    componentDidCatch(error, info) {
      report(fromThrown(error, "render", { componentStack: info?.componentStack || "" }));
    }

    render() {
      if (!this.state.error) return this.props.children;
      return React.createElement("div", {
        role: "alert",
        style: { margin: 16, padding: 16, border: "1px solid #fca5a5", background: "#fef2f2", color: "#991b1b", borderRadius: 8, font: "14px/1.45 system-ui, sans-serif" },
      }, React.createElement("strong", null, "The component crashed while rendering"), React.createElement("pre", { style: { whiteSpace: "pre-wrap", margin: "8px 0 0", font: "13px ui-monospace, monospace" } }, `${this.state.error.name}: ${this.state.error.message}`));
    }
  };
}

const isComponent = (value) => typeof value === "function" || (value && typeof value === "object" && typeof value.$$typeof === "symbol");

/** The component a module offers: its default export, `App`, or its one capitalised component. */
export function pickComponent(mod) {
  if (isComponent(mod.default)) return mod.default;
  if (isComponent(mod.App)) return mod.App;
  const named = Object.entries(mod).filter(([key, value]) => /^[A-Z]/.test(key) && isComponent(value));
  return named.length === 1 ? named[0][1] : null;
}

export async function runReact(code, language, timing) {
  const typescript = language === "tsx" || language === "typescript";
  const t0 = native.now();
  const transpiled = await transpileApp(code, typescript);
  if (transpiled.error) {
    report(transpiled.error);
    return false;
  }
  timing.transpile = native.now() - t0;
  const out = splitIcons(dropStyleImports(transpiled.code));
  const missing = checkImports(out);
  if (missing) {
    report(missing);
    return false;
  }
  const t1 = native.now();
  const loaded = await loadModuleChecked(out, `${EXTENSIONS[language] ? `app.${EXTENSIONS[language]}` : "app.js"}`);
  timing.import = native.now() - t1;
  if (!loaded.ok) return false;
  const mod = loaded.module;
  const selfRendering = /\b(createRoot|ReactDOM\.render|hydrateRoot)\s*\(/.test(code);
  const { React, flushSync, createRoot, Boundary } = await loadReact();
  const Component = selfRendering ? null : pickComponent(mod);
  const t2 = native.now();
  if (Component) {
    const root = createRoot(rootElement, {
      onUncaughtError: (error, info) => report(fromThrown(error, "render", { componentStack: info?.componentStack || "" })),
      onCaughtError: () => {}, // the Boundary reports it; React would log it to the console again
    });
    try {
      flushSync(() => root.render(React.createElement(Boundary, null, React.createElement(Component))));
    } catch (error) {
      report(fromThrown(error, "render"));
      return false;
    }
  } else if (!selfRendering && language !== "javascript") {
    await afterPaint();
    if (pageIsEmpty()) {
      report({
        phase: "render",
        name: "NoDefaultExport",
        message: "The code does not export a component. Add `export default function App() { … }`.",
        line: null,
      });
      return false;
    }
  }
  timing.render = native.now() - t2;
  return true;
}
