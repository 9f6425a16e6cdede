// Languages: maps a canvas language (data-language) to its CodeMirror support, and lets fenced code
// blocks inside Markdown documents highlight in the same languages.
import { LanguageDescription } from "@codemirror/language";
import { markdown, markdownLanguage } from "@codemirror/lang-markdown";
import { python } from "@codemirror/lang-python";
import { javascript } from "@codemirror/lang-javascript";
import { html } from "@codemirror/lang-html";
import { css } from "@codemirror/lang-css";
import { json } from "@codemirror/lang-json";
import { sql } from "@codemirror/lang-sql";

const SUPPORT = {
  python: () => python(),
  javascript: () => javascript(),
  jsx: () => javascript({ jsx: true }),
  typescript: () => javascript({ typescript: true }),
  tsx: () => javascript({ jsx: true, typescript: true }),
  html: () => html(),
  css: () => css(),
  json: () => json(),
  sql: () => sql(),
};

/** Languages recognised after ``` in Markdown (loaded on first use; they are in the bundle already). */
const FENCE_LANGUAGES = [
  ["Python", ["py", "python3"], "python"],
  ["JavaScript", ["js", "javascript", "mjs", "cjs", "node"], "javascript"],
  ["JSX", ["jsx"], "jsx"],
  ["TypeScript", ["ts", "typescript"], "typescript"],
  ["TSX", ["tsx"], "tsx"],
  ["HTML", ["html", "htm", "xhtml"], "html"],
  ["CSS", ["css"], "css"],
  ["JSON", ["json", "jsonc"], "json"],
  ["SQL", ["sql", "postgres", "postgresql", "sqlite", "mysql"], "sql"],
].map(([name, alias, key]) => LanguageDescription.of({ name, alias, load: async () => SUPPORT[key]() }));

SUPPORT.markdown = () => markdown({ base: markdownLanguage, codeLanguages: FENCE_LANGUAGES });

export const LANGUAGE_NAMES = Object.keys(SUPPORT);

/** The extension for a canvas language; unknown names fall back to plain text (no highlighting). */
export function languageSupport(name) {
  const make = SUPPORT[String(name || "").toLowerCase()];
  return make ? make() : [];
}
