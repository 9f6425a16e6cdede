// JSX and TypeScript → JavaScript with sucrase, which keeps line numbers (a stack line in the blob
// module *is* the canvas line), and the position of a syntax error where the author made it.
import { transform } from "sucrase";
import { fromThrown } from "./errors.js";

export function sucrase(code, { typescript, classic } = {}) {
  const transforms = typescript ? ["typescript", "jsx"] : ["jsx"];
  return transform(code, {
    transforms,
    jsxRuntime: classic ? "classic" : "automatic",
    production: true,
    disableESTransforms: true,
  }).code;
}

/**
 * A React app's module code as `{ code }`, or `{ error }` to report. Sucrase, unless the page registered
 * `window.canvasTranspiler = { transform(code, { typescript }) }` returning the code or a promise of it
 * (bench/preview_render.py compares @babel/standalone that way); its errors may carry `line`, `column`.
 */
export async function transpileApp(code, typescript) {
  const custom = window.canvasTranspiler;
  try {
    return { code: custom ? await custom.transform(code, { typescript }) : sucrase(code, { typescript }) };
  } catch (error) {
    return { error: custom ? fromThrown(error, "transpile", { line: error?.line ?? null, column: error?.column ?? null }) : transpileError(error, code) };
  }
}

export function transpileError(error, code = "") {
  const match = String(error.message).match(/\((\d+):(\d+)\)\s*$/);
  const found = {
    phase: "transpile",
    name: "SyntaxError",
    message: String(error.message).replace(/\s*\(\d+:\d+\)\s*$/, ""),
    line: match ? Number(match[1]) : null,
    column: match ? Number(match[2]) : null,
  };
  return unclosedTag(code, found) || found;
}

export function lineAt(text, index) {
  let line = 1;
  for (let i = text.indexOf("\n"); i !== -1 && i < index; i = text.indexOf("\n", i + 1)) line += 1;
  return line;
}

// A JSX start tag: `<Name` where an expression may begin (not `a < b`).
const START_TAG = /(^|[(>?:=,&|{}[\]]|\breturn)\s*<([A-Za-z][\w.:-]*)/gm;
const ATTRIBUTE_LINE = /^\s*(?:<[A-Za-z][\w.:-]*)?\s*(?:(?:[\w-]+(?:=|\s|$)|\{\s*\.\.\.)|$)/;

/**
 * Sucrase stops where its parser gets lost, which for a start tag missing its `>` is lines later (or
 * nowhere: "Expected either /> or > at the end of the tag."). Find that tag: its attributes run into a
 * line that starts another tag. The `>` is missing after the tag's last attribute line.
 */
function unclosedTag(code, found) {
  if (!code) return null;
  START_TAG.lastIndex = 0;
  for (let m = START_TAG.exec(code); m; m = START_TAG.exec(code)) {
    let depth = 0;
    let quote = "";
    let attributesEnd = -1; // the end of the tag's last line that looked like attributes
    let attributes = true;
    let unclosed = false;
    for (let i = m.index + m[0].length; i < code.length && !unclosed; i++) {
      const c = code[i];
      if (quote) {
        if (c === quote) quote = "";
      } else if (c === '"' || c === "'" || c === "`") {
        quote = c;
      } else if (c === "{") {
        depth += 1;
      } else if (c === "}") {
        depth -= 1;
      } else if (depth === 0 && (c === ">" || (c === "/" && code[i + 1] === ">"))) {
        break; // the tag is closed
      } else if (c === "\n" && depth === 0) {
        if (attributes) attributesEnd = i;
        const end = code.indexOf("\n", i + 1);
        const next = code.slice(i + 1, end === -1 ? code.length : end);
        if (/^\s*</.test(next)) unclosed = true; // another tag starts: ours never got its `>`
        else if (!ATTRIBUTE_LINE.test(next)) attributes = false; // text, not attributes
      }
    }
    if (!unclosed || attributesEnd < 0) continue;
    const line = lineAt(code, attributesEnd);
    if (found.line && line > found.line) continue; // not the cause of this error
    const lineText = code.slice(code.lastIndexOf("\n", attributesEnd - 1) + 1, attributesEnd);
    return {
      ...found,
      message: `Expected ">" to end the <${m[2]}> tag (it runs into the next tag)`,
      line,
      column: lineText.trimEnd().length + 1,
    };
  }
  return null;
}
