// The vendored classic scripts: Tailwind (React apps always, HTML pages that ask for it) and the
// stand-ins for the CDN libraries an HTML page loads (globals/*.js set window.THREE, window.d3, ...).
// Where they are comes from the shell's data block, #canvas-runtime.

const runtimeConfig = (() => {
  try {
    return JSON.parse(document.getElementById("canvas-runtime")?.textContent || "{}");
  } catch {
    return {};
  }
})();
export const globalsByName = runtimeConfig.globals || {};
const loadedGlobals = new Set();

/** A CDN <script src> of a library we vendor → our copy (null: not ours; "skip": already present). */
export function vendoredScript(src) {
  if (/tailwindcss|@tailwindcss\/browser|twind/.test(src)) return "tailwind";
  if (/babel(-standalone)?(\.min)?\.js|@babel\/standalone/.test(src)) return "skip";
  for (const [name, entry] of Object.entries(globalsByName)) {
    if (new RegExp(entry.pattern).test(src)) return name;
  }
  return null;
}

function addScript(src) {
  return new Promise((resolve) => {
    const script = document.createElement("script");
    script.src = src;
    script.async = false;
    script.addEventListener("load", () => resolve(true));
    script.addEventListener("error", () => resolve(false));
    document.head.append(script);
  });
}

let tailwindLoading = null;
/** Tailwind (v4 browser build + the v3 compat layer in the shell): React apps always, HTML pages that ask for it. */
export function loadTailwind() {
  if (!tailwindLoading) tailwindLoading = runtimeConfig.tailwind ? addScript(runtimeConfig.tailwind) : Promise.resolve(false);
  return tailwindLoading;
}

/** The stand-in for a CDN library (and the one it builds on, such as three for OrbitControls). */
export function loadGlobal(name) {
  const entry = globalsByName[name];
  if (!entry || loadedGlobals.has(name)) return Promise.resolve(true);
  const before = entry.after && !loadedGlobals.has(entry.after) ? loadGlobal(entry.after) : Promise.resolve(true);
  return before.then(() => {
    loadedGlobals.add(name);
    return addScript(entry.url);
  });
}
