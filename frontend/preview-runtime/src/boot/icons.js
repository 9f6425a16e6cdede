// lucide-react is ~1,700 icons in one 750 kB module that took ~100 ms of each fresh frame's first paint
// to compile and evaluate, for apps that use five. So `import { Camera, Edit as E } from "lucide-react"`
// becomes `import { i0 as Camera, i1 as E } from "lucide-react/icons/camera,square-pen.js"` on the
// statement's own lines (line numbers stay): the import map's prefix "lucide-react/icons/" sends that to
// the server, which answers with a module of just those icons, i0, i1, … in the order of the URL
// (canvas/preview/icons.py). Where the map has no prefix (the standalone export maps one module per
// icon), one import per icon.
//
// Only statements of the module's import prologue (the imports, comments and directives it starts with)
// are rewritten, never text that merely looks like one further down (a code sample in a string). A
// namespace import, import("lucide-react"), and a statement naming anything that is not an icon (a typo,
// createLucideIcon) keep the whole module, so a wrong name still gets that module's own error; so does a
// statement whose icons the import map cannot resolve.
import { ALIASES, FILES } from "canvas:lucide-names";
import { decodeIconNames, iconFile } from "./icon-names.mjs";
import { resolves } from "./imports.js";

const PREFIX = "lucide-react/icons/";
// Blanks, comments, directives and import statements (IMPORT_RE's static form), one at a time.
const PROLOGUE = /\s+|\/\/[^\n]*|\/\*[\s\S]*?\*\/|(["'])use [\w ]+\1;?|import\s*(?:type\s+)?(?:[\w$*{}\s,]+?\s*from\s*)?(["'])[^"'\n]+\2[ \t]*;?/y;
const NAMED = /^import\s*\{([^{}]*)\}\s*from\s*(["'])lucide-react\2/;
const SPECIFIER = /^(type\s+)?([A-Za-z_$][\w$]*)(?:\s+as\s+([A-Za-z_$][\w$]*))?$/;

let names = null;

/** `import { A, B as C } from "lucide-react"` → the icons' own import(s), or the statement as it was. */
function splitStatement(statement) {
  const match = statement.match(NAMED);
  if (!match) return statement;
  names ||= decodeIconNames(FILES, ALIASES);
  const bindings = []; // [icon file, local name]
  for (const part of match[1].split(",")) {
    if (!part.trim()) continue;
    const specifier = part.trim().match(SPECIFIER);
    if (!specifier) return statement;
    if (specifier[1]) continue; // `type LucideIcon`: nothing to load
    const file = iconFile(names, specifier[2]);
    if (!file) return statement;
    bindings.push([file, specifier[3] || specifier[2]]);
  }
  const lines = "\n".repeat(statement.split("\n").length - 1);
  if (!bindings.length) return lines;
  const files = [...new Set(bindings.map(([file]) => file))].sort();
  const together = `${PREFIX}${files.join(",")}.js`;
  if (resolves(together)) {
    const clause = bindings.map(([file, local]) => `i${files.indexOf(file)} as ${local}`).join(", ");
    return `import { ${clause} } from "${together}";${lines}`;
  }
  if (!files.every((file) => resolves(`${PREFIX}${file}.js`))) return statement;
  return bindings.map(([file, local]) => `import { i0 as ${local} } from "${PREFIX}${file}.js";`).join("") + lines;
}

/** `code` with its named imports of lucide-react icons rewritten to modules of just those icons. */
export function splitIcons(code) {
  if (!code.includes("lucide-react")) return code;
  let out = "";
  let end = 0;
  PROLOGUE.lastIndex = 0;
  for (let m = PROLOGUE.exec(code); m; m = PROLOGUE.exec(code)) {
    out += m[0].startsWith("import") ? splitStatement(m[0]) : m[0];
    end = PROLOGUE.lastIndex;
  }
  return out + code.slice(end);
}
