// What canvas code may import: the specifiers of the frame's import map. An import it cannot satisfy
// is reported at its line with the list of what is available (canvas/preview/export.py finds imports
// with the same expression).
import { forward } from "./console.js";
import { lineAt } from "./transpile.js";

export const importMap = (() => {
  try {
    return JSON.parse(document.querySelector('script[type="importmap"]').textContent).imports || {};
  } catch {
    return {};
  }
})();
// Not worth naming: aliases, shadcn/ui (listed apart) and lucide-react's parts (boot/icons.js).
const AVAILABLE = Object.keys(importMap).filter((s) => !s.startsWith("@/") && !s.includes("/addons/") && !s.includes("/examples/") && !s.startsWith("lucide-react/"));
const UI_NAMES = Object.keys(importMap).filter((s) => s.startsWith("@/components/ui/")).map((s) => s.slice(16));

// Static imports and re-exports start a line (sucrase keeps the layout); import("x") may be anywhere.
const IMPORT_RE = /^[ \t]*(?:import|export)\s*(?:type\s+)?(?:[\w$*{}\s,]+?\s*from\s*)?["']([^"'\n]+)["']|\bimport\s*\(\s*["']([^"'\n]+)["']\s*\)/gm;

/** `import "./App.css"` and the like: nothing to load in one file; drop them (lines kept), say so. */
export function dropStyleImports(code) {
  return code.replace(/^([ \t]*)import\s*(?:[\w$]+\s+from\s*)?["']([^"'\n]+\.(?:css|scss|sass|less))["'];?/gm, (whole, indent, spec) => {
    forward("warn", [`Ignored import "${spec}": the preview runs this one file; put styles in the file or use Tailwind classes.`]);
    return indent + " ".repeat(Math.max(0, whole.length - indent.length));
  });
}

/** Whether the import map resolves `specifier` (an exact entry, or a prefix one ending in "/"). */
export function resolves(specifier) {
  return Object.hasOwn(importMap, specifier)
    || Object.keys(importMap).some((key) => key.endsWith("/") && specifier.startsWith(key));
}

/** The specifiers `code` imports that the import map resolves (at most `max`). */
export function mappedImports(code, max = 64) {
  const found = new Set();
  IMPORT_RE.lastIndex = 0;
  for (let m = IMPORT_RE.exec(code); m && found.size < max; m = IMPORT_RE.exec(code)) {
    const spec = m[1] || m[2];
    if (resolves(spec)) found.add(spec);
  }
  return [...found];
}

/** The first import this preview cannot satisfy, as an error (or null). */
export function checkImports(code) {
  IMPORT_RE.lastIndex = 0;
  for (let m = IMPORT_RE.exec(code); m; m = IMPORT_RE.exec(code)) {
    const spec = m[1] || m[2];
    if (resolves(spec) || spec.startsWith("blob:")) continue;
    const line = lineAt(code, m.index + m[0].indexOf(spec));
    let message;
    if (/^(https?:)?\/\//.test(spec)) {
      message = `Cannot import "${spec}": the preview has no network access. Available modules: ${AVAILABLE.join(", ")}.`;
    } else if (spec.startsWith(".") || spec.startsWith("/")) {
      message = `Cannot import "${spec}": the preview runs this one file only. Put that code in this file.`;
    } else if (spec.startsWith("@/components/ui/")) {
      message = `Cannot import "${spec}": that shadcn/ui component is not available. Available: ${UI_NAMES.join(", ")}.`;
    } else {
      message = `Cannot import "${spec}": that module is not available in the preview. Available modules: ${AVAILABLE.join(", ")}, and shadcn/ui under @/components/ui/<name>.`;
    }
    return { phase: "import", name: "ModuleNotFound", message, line, column: null, module: spec };
  }
  return null;
}

/** "does not provide an export named X": find the import line that names X. */
export function missingExport(error, code) {
  const match = String(error.message).match(/module '([^']+)' does not provide an export named '([^']+)'/);
  if (!match) return null;
  const [, spec, name] = match;
  const re = new RegExp(`import[^;]*\\b${name.replace(/[$]/g, "\\$")}\\b[^;]*from\\s*["']([^"']+)["']`, "g");
  let line = null;
  for (let m = re.exec(code); m; m = re.exec(code)) {
    line = lineAt(code, m.index + m[0].indexOf(name));
    break;
  }
  const module = Object.keys(importMap).find((k) => importMap[k] === spec || spec.endsWith(importMap[k])) || spec;
  return { phase: "import", name: "MissingExport", message: `"${module}" has no export named "${name}".`, line, column: null, module };
}
