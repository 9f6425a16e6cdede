// Plain JavaScript canvases: a module when the code imports or exports (and a component it exports is
// mounted), otherwise a classic script in the page's global scope.
import { native } from "./channel.js";
import { report } from "./errors.js";
import { splitIcons } from "./icons.js";
import { checkImports } from "./imports.js";
import { loadModuleChecked, loadScript } from "./loader.js";
import { fireLoadEvents, rootElement } from "./page.js";
import { loadReact, pickComponent } from "./react.js";
import { sucrase, transpileError } from "./transpile.js";

export async function runPlainScript(code, timing) {
  let out;
  const t0 = native.now();
  try {
    out = splitIcons(sucrase(code, {}));
  } catch (error) {
    report(transpileError(error, code));
    return false;
  }
  timing.transpile = native.now() - t0;
  const t1 = native.now();
  if (/^\s*(import|export)\b/m.test(out)) {
    const missing = checkImports(out);
    if (missing) {
      report(missing);
      return false;
    }
    const loaded = await loadModuleChecked(out, "app.js");
    timing.import = native.now() - t1;
    if (!loaded.ok) return false;
    const Component = pickComponent(loaded.module);
    if (Component && !/\bcreateRoot\s*\(/.test(code)) {
      const { React, flushSync, createRoot, Boundary } = await loadReact();
      const root = createRoot(rootElement);
      flushSync(() => root.render(React.createElement(Boundary, null, React.createElement(Component))));
    }
  } else {
    await loadScript(out, "canvas-app.js");
    timing.import = native.now() - t1;
  }
  fireLoadEvents();
  return true;
}
