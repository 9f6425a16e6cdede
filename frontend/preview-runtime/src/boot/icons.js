// lucide-react is ~1,700 icons in one 750 kB module that takes ~100 ms to compile and evaluate in each
// fresh frame, for apps that use five. build.mjs also makes every icon its own small module (prefix
// "lucide-react/icons/" of the import map), so `import { Camera, Star as S } from "lucide-react"`
// becomes imports of just those two, on the statement's own lines (line numbers stay).
//
// Only statements of the module's import prologue (the imports, comments and directives it starts with)
// are rewritten, never text that merely looks like one further down (a code sample in a string). A
// namespace import, import("lucide-react"), and a statement naming anything that is not an icon (a typo,
// createLucideIcon) keep the whole module, so a wrong name still gets that module's own error. The
// standalone export maps only the icons its code names (canvas/preview/export.py, the same rules); an
// icon the import map cannot resolve keeps the statement whole too.
import { ALIASES, FILES } from "canvas:lucide-names";
import { decodeIconNames, iconFile } from "./icon-names.mjs";
import { resolves } from "./imports.js";

export const ICON_PREFIX = "lucide-react/icons/";

// Blanks, comments, directives and import statements (IMPORT_RE's static form), one at a time.
const PROLOGUE = /\s+|\/\/[^\n]*|\/\*[\s\S]*?\*\/|(["'])use [\w ]+\1;?|import\s*(?:type\s+)?(?:[\w$*{}\s,]+?\s*from\s*)?(["'])[^"'\n]+\2[ \t]*;?/y;
const NAMED = /^import\s*\{([^{}]*)\}\s*from\s*(["'])lucide-react\2/;
const SPECIFIER = /^(type\s+)?([A-Za-z_$][\w$]*)(?:\s+as\s+([A-Za-z_$][\w$]*))?$/;

let names = null;

/** `import { A, B as C } from "lucide-react"` → one default import per icon (or the statement as it was). */
function splitStatement(statement) {
  const match = statement.match(NAMED);
  if (!match) return statement;
  names ||= decodeIconNames(FILES, ALIASES);
  const imports = [];
  for (const part of match[1].split(",")) {
    if (!part.trim()) continue;
    const specifier = part.trim().match(SPECIFIER);
    if (!specifier) return statement;
    if (specifier[1]) continue; // `type LucideIcon`: nothing to load
    const file = iconFile(names, specifier[2]);
    const url = file && `${ICON_PREFIX}${file}.js`;
    if (!url || !resolves(url)) return statement;
    imports.push(`import ${specifier[3] || specifier[2]} from "${url}";`);
  }
  return imports.join("") + "\n".repeat(statement.split("\n").length - 1);
}

/** `code` with its named imports of lucide-react icons split into one import per icon. */
export function splitIcons(code) {
  if (!code.includes("lucide-react")) return code;
  let out = "";
  PROLOGUE.lastIndex = 0;
  let end = 0;
  for (let m = PROLOGUE.exec(code); m; m = PROLOGUE.exec(code)) {
    out += m[0].startsWith("import") ? splitStatement(m[0]) : m[0];
    end = PROLOGUE.lastIndex;
  }
  return out + code.slice(end);
}
