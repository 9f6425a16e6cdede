// Builds the vendored preview runtime into ../../static/preview/ (git-ignored):
//
//  * one ES module per library the preview offers (react, recharts, lucide-react, ...). Each module is
//    self-contained except for the *other* mapped specifiers, which stay bare imports resolved by the
//    frame's import map. So there is exactly one React (and one three) per frame, no shared chunks with
//    relative URLs, and the same files can be inlined as data: URLs into the standalone export;
//  * lucide-react's icon drawings (lucide-react-icons-<hash>.json), from which the server makes modules
//    of just the icons an import statement names (the import-map prefix "lucide-react/icons/"; the frame
//    rewrites the statement, boot/icons.js), sharing lucide-react/core with the whole module;
//  * boot.js: the frame-side runtime, src/boot/ bundled into one module (sucrase, error capture,
//    console, heartbeat, shims, the React/HTML/script runners);
//  * globals/*.js: classic scripts that set window.THREE, window.d3, ... for HTML pages that load those
//    libraries from a CDN (the frame swaps the CDN URL for ours);
//  * tailwind.js (@tailwindcss/browser) and manifest.json, which Django reads (canvas/preview/runtime.py).
//
// React 19 ships CJS only: `export * from` a CJS module gives no named exports, so CJS packages get a
// generated wrapper that lists their keys (research/preview-sandbox.md §2.2).
import * as esbuild from "esbuild";
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, rmSync, writeFileSync, readdirSync, statSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { decodeIconNames, iconFile, toPascalCase } from "./src/boot/icon-names.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const OUT = join(here, "..", "..", "static", "preview");
const pkg = JSON.parse(readFileSync(join(here, "package.json"), "utf8"));

// shadcn/ui names served by src/ui (all from one module, so they share one React context tree).
const UI_NAMES = [
  "accordion", "alert", "alert-dialog", "aspect-ratio", "avatar", "badge", "button", "card", "checkbox",
  "collapsible", "dialog", "dropdown-menu", "hover-card", "input", "label", "popover", "progress",
  "radio-group", "scroll-area", "select", "separator", "sheet", "skeleton", "slider", "sonner", "switch",
  "table", "tabs", "textarea", "toast", "toaster", "toggle", "toggle-group", "tooltip", "use-toast",
];

/** Every module of the import map. `source` is the npm import it wraps; `cjs` asks for a key-listing wrapper. */
export const MODULES = [
  { name: "react", specifiers: ["react"], source: "react", cjs: true },
  { name: "react-jsx-runtime", specifiers: ["react/jsx-runtime"], source: "react/jsx-runtime", cjs: true },
  { name: "react-dom", specifiers: ["react-dom"], source: "react-dom", cjs: true },
  { name: "react-dom-client", specifiers: ["react-dom/client"], source: "react-dom/client", cjs: true },
  { name: "recharts", specifiers: ["recharts"], source: "recharts" },
  { name: "lucide-react", specifiers: ["lucide-react"], source: "lucide-react" },
  { name: "lucide-react-core", specifiers: ["lucide-react/core"], entry: "src/lucide/core.js" },
  { name: "lodash", specifiers: ["lodash", "lodash-es"], source: "lodash-es" },
  { name: "d3", specifiers: ["d3"], source: "d3" },
  { name: "three", specifiers: ["three"], source: "three" },
  {
    name: "three-orbit-controls", source: "three/addons/controls/OrbitControls.js",
    specifiers: ["three/addons/controls/OrbitControls.js", "three/addons/controls/OrbitControls",
      "three/examples/jsm/controls/OrbitControls.js", "three/examples/jsm/controls/OrbitControls"],
  },
  { name: "papaparse", specifiers: ["papaparse"], source: "papaparse", cjs: true },
  { name: "mathjs", specifiers: ["mathjs"], source: "mathjs" },
  { name: "framer-motion", specifiers: ["framer-motion", "motion/react"], source: "framer-motion" },
  { name: "sonner", specifiers: ["sonner"], source: "sonner" },
  { name: "clsx", specifiers: ["clsx"], source: "clsx" },
  { name: "tailwind-merge", specifiers: ["tailwind-merge"], source: "tailwind-merge" },
  { name: "class-variance-authority", specifiers: ["class-variance-authority"], source: "class-variance-authority" },
  // Next.js imports that single-file apps written for Next carry (WebDev Arena: 24 of 40 files).
  { name: "next-link", specifiers: ["next/link"], entry: "src/next/link.jsx" },
  { name: "next-image", specifiers: ["next/image"], entry: "src/next/image.jsx" },
  { name: "next-head", specifiers: ["next/head"], entry: "src/next/head.jsx" },
  { name: "next-font", specifiers: ["next/font/google", "next/font/local"], entry: "src/next/font.js" },
  { name: "next-navigation", specifiers: ["next/navigation", "next/router"], entry: "src/next/navigation.js" },
  { name: "next-dynamic", specifiers: ["next/dynamic"], entry: "src/next/dynamic.jsx" },
  {
    name: "ui", entry: "src/ui/index.jsx",
    specifiers: [...UI_NAMES.map((n) => `@/components/ui/${n}`), "@/lib/utils", "@/hooks/use-toast"],
  },
];

// Classic-script builds for HTML pages: CDN URL pattern → the global it defines.
const GLOBALS = [
  { name: "react", pattern: "(^|/)(react|react-dom)(@[^/]*)?(/umd)?/|react(-dom)?(\\.production|\\.development)?(\\.min)?\\.js", global: "React, ReactDOM",
    contents: `import * as R from "react"; import * as D from "react-dom"; import * as C from "react-dom/client";
      const roots = new WeakMap();
      window.React = Object.assign({}, R);
      window.ReactDOM = Object.assign({}, D, C, { render(element, container) {
        let root = roots.get(container); if (!root) { root = C.createRoot(container); roots.set(container, root); }
        root.render(element); } });` },
  { name: "three", pattern: "(^|/)three(@[^/]*)?/|three(\\.module)?(\\.min)?\\.js", global: "THREE",
    contents: `import * as T from "three"; window.THREE = Object.assign({}, T);` },
  { name: "three-orbit-controls", pattern: "OrbitControls(\\.min)?\\.js", global: "THREE.OrbitControls", after: "three",
    contents: `import { OrbitControls } from "three/addons/controls/OrbitControls.js"; window.THREE.OrbitControls = OrbitControls;` },
  { name: "d3", pattern: "(^|/)d3(@[^/]*)?(/|$)|d3(\\.v\\d+)?(\\.min)?\\.js", global: "d3",
    contents: `import * as d3 from "d3"; window.d3 = Object.assign({}, d3);` },
  { name: "lodash", pattern: "(^|/)lodash(@[^/]*|\\.js)?(/|$)|lodash(\\.core)?(\\.min)?\\.js", global: "_",
    contents: `import _ from "lodash-es"; window._ = _;` },
  { name: "papaparse", pattern: "papaparse(@[^/]*)?(/|$)|papaparse(\\.min)?\\.js", global: "Papa",
    contents: `import Papa from "papaparse"; window.Papa = Papa;` },
  { name: "mathjs", pattern: "mathjs(@[^/]*)?(/|$)|math(\\.min)?\\.js", global: "math",
    contents: `import * as math from "mathjs"; window.math = Object.assign({}, math);` },
];

const DEFINE = { "process.env.NODE_ENV": '"production"' };
const COMMON = {
  bundle: true, minify: true, target: "es2020", platform: "browser", define: DEFINE,
  legalComments: "none", logLevel: "warning", write: false, metafile: true,
  // lucide-react and others mark their ESM files side-effect free; keep every export of an entry.
  ignoreAnnotations: false,
};

const hash = (text) => createHash("sha256").update(text).digest("hex").slice(0, 12);

/** Source of a module's entry: CJS packages get their keys listed, ESM ones re-export everything. */
function entrySource(mod, withDefault) {
  const spec = JSON.stringify(mod.source);
  if (mod.cjs) {
    const keys = Object.keys(require(mod.source)).filter((k) => /^[A-Za-z_$][\w$]*$/.test(k) && k !== "default");
    // Roots that generated code creates itself (createRoot(...).render(<App />)) are remembered, so
    // the frame can unmount them before it runs the next version of the code.
    const exported = (k) => (mod.source === "react-dom/client" && k === "createRoot"
      ? "export const createRoot = (...args) => { const r = m.createRoot(...args); "
        + "(globalThis.__canvasRoots ||= new Set()).add(r); return r; };"
      : `export const ${k} = m.${k};`);
    return `import * as ns from ${spec};\nconst m = ns.default ?? ns;\n`
      + keys.map(exported).join("\n") + "\nexport default m;\n";
  }
  return withDefault
    ? `export * from ${spec};\nexport { default } from ${spec};\n`
    // A namespace default keeps `import THREE from "three"` and `import math from "mathjs"` working.
    : `export * from ${spec};\nimport * as ns from ${spec};\nexport default ns;\n`;
}

/**
 * Mapped specifiers other than the module's own stay bare (external). CJS code that require()s one
 * goes through a tiny ESM shim that re-exports the external module, since esbuild cannot turn a
 * require() of an external into an ESM import by itself.
 */
function sharedPlugin(own, used) {
  const mapped = new Set(MODULES.flatMap((m) => m.specifiers));
  return {
    name: "canvas-shared",
    setup(build) {
      build.onResolve({ filter: /^[^./]/ }, (args) => {
        if (own.has(args.path) || !mapped.has(args.path)) return undefined;
        used.add(args.path);
        if (args.kind === "require-call") return { path: args.path, namespace: "canvas-shared-cjs" };
        return { path: args.path, external: true };
      });
      build.onLoad({ filter: /.*/, namespace: "canvas-shared-cjs" }, (args) => ({
        contents: `export * from ${JSON.stringify(args.path)};\nexport { default } from ${JSON.stringify(args.path)};\n`,
        loader: "js",
      }));
    },
  };
}

const LUCIDE_ESM = join(here, "node_modules", "lucide-react", "dist", "esm");
const LUCIDE_CORE = { "createLucideIcon.js": "default", "Icon.js": "Icon" };

/**
 * Inside lucide-react, createLucideIcon and Icon come from lucide-react/core (external), so the whole
 * module and the one-icon modules share them; the core module itself (`own`) bundles the originals.
 */
const lucideCorePlugin = (own) => ({
  name: "lucide-core",
  setup(build) {
    build.onResolve({ filter: /(^|\/)(createLucideIcon|Icon)\.js$/ }, (args) => {
      if (own.has("lucide-react/core") || !args.importer.startsWith(LUCIDE_ESM)) return undefined;
      const file = args.path.split("/").pop();
      return { path: file, namespace: "lucide-core" };
    });
    build.onLoad({ filter: /.*/, namespace: "lucide-core" }, (args) => ({
      contents: `export { ${LUCIDE_CORE[args.path]} as default } from "lucide-react/core";\n`, loader: "js",
    }));
  },
});

function specifierOwner(specifier) {
  return MODULES.find((m) => m.specifiers.includes(specifier)).name;
}

function emit(name, text, files) {
  const file = `${name}-${hash(text)}.js`;
  writeFileSync(join(OUT, file), text);
  files[name] = file;
  return file;
}

async function buildModule(mod, files, manifest) {
  const own = new Set([...mod.specifiers, mod.source].filter(Boolean));
  const used = new Set();
  const options = {
    ...COMMON, format: "esm", plugins: [lucideCorePlugin(own), sharedPlugin(own, used)],
    jsx: "automatic", loader: { ".js": "jsx" },
  };
  const fromSource = (withDefault, logLevel = "warning") => esbuild.build({
    ...options, logLevel, stdin: { contents: entrySource(mod, withDefault), resolveDir: here, loader: "js" }, outfile: "out.js",
  });
  let result;
  if (mod.entry) result = await esbuild.build({ ...options, entryPoints: [join(here, mod.entry)], outfile: "out.js" });
  else if (mod.cjs) result = await fromSource(false);
  else {
    // Re-export the package's own default when it has one; esbuild tells us when it has none.
    try {
      result = await fromSource(true, "silent");
    } catch {
      used.clear();
      result = await fromSource(false);
    }
  }
  const text = result.outputFiles[0].text;
  const file = emit(mod.name, text, files);
  manifest.modules[mod.name] = {
    file, specifiers: mod.specifiers, bytes: Buffer.byteLength(text),
    deps: [...new Set([...used].map(specifierOwner))].sort(),
  };
}

/**
 * lucide-react's icons: their files, and the table the frame decodes (src/boot/icon-names.mjs) into
 * export name → file. Checked here against the package's own export list, so an upgrade that breaks
 * the scheme (every icon exported as Name, NameIcon and LucideName) fails the build, not a preview.
 */
function lucideIcons() {
  const entry = readFileSync(join(LUCIDE_ESM, "lucide-react.js"), "utf8");
  const exported = new Map(); // export name → file
  for (const [, list, file] of entry.matchAll(/^export \{ (.*) \} from '\.\/icons\/([\w-]+)\.js';$/gm)) {
    for (const item of list.split(", ")) exported.set(item.replace(/^default as /, ""), file);
  }
  const byFile = new Map();
  for (const [name, file] of exported) byFile.set(file, [...(byFile.get(file) || []), name]);
  const files = [...byFile.keys()].sort();
  const aliases = [];
  for (const file of files) {
    const names = byFile.get(file).filter((name) => !name.startsWith("Lucide")
      && !(name.endsWith("Icon") && exported.get(name.slice(0, -4)) === file));
    const extra = names.filter((name) => name !== toPascalCase(file)).sort();
    if (extra.length) aliases.push(`${file}=${extra.join(",")}`);
  }
  const table = { files: files.join(","), aliases: aliases.join(";") };
  const names = decodeIconNames(table.files, table.aliases);
  for (const [name, file] of exported) {
    if (iconFile(names, name) !== file) throw new Error(`lucide-react: ${name} does not decode to ${file}`);
  }
  for (const [name, file] of names) {
    for (const variant of [name, `${name}Icon`, `Lucide${name}`]) {
      if (exported.get(variant) !== file) throw new Error(`lucide-react: ${variant} is not an export of ${file}`);
    }
  }
  return { files, table, names: Object.fromEntries([...names].sort()) };
}

/**
 * The icons' drawings (lucide's __iconNode of each), which the server turns into one module per import
 * statement, `createLucideIcon(file, drawing)` each (canvas/preview/icons.py): a file per icon would
 * be a request per icon.
 */
async function buildIcons(icons, manifest) {
  const drawings = {};
  for (const file of icons.files) {
    const path = join(LUCIDE_ESM, "icons", `${file}.js`);
    if (!new RegExp(`createLucideIcon\\(\\s*"${file}",\\s*__iconNode\\s*\\)`).test(readFileSync(path, "utf8"))) {
      throw new Error(`lucide-react: ${file}.js does not create the icon "${file}"`);
    }
    drawings[file] = (await import(path)).__iconNode;
  }
  const text = JSON.stringify(drawings);
  const name = `lucide-react-icons-${hash(text)}`;
  writeFileSync(join(OUT, `${name}.json`), text);
  manifest.icons = {
    module: "lucide-react", prefix: "lucide-react/icons/", dir: `${name}/`, drawings: `${name}.json`,
    names: icons.names, core: "lucide-react/core", deps: ["lucide-react-core"], bytes: Buffer.byteLength(text),
  };
}

async function main() {
  rmSync(OUT, { recursive: true, force: true });
  mkdirSync(join(OUT, "globals"), { recursive: true });
  const files = {};
  const manifest = { versions: {}, modules: {}, icons: null, globals: {}, boot: null, tailwind: null, compat_css: "" };
  for (const name of Object.keys(pkg.dependencies)) {
    manifest.versions[name] = JSON.parse(readFileSync(join(here, "node_modules", name, "package.json"), "utf8")).version;
  }
  const icons = lucideIcons();
  await Promise.all([...MODULES.map((mod) => buildModule(mod, files, manifest)), buildIcons(icons, manifest)]);

  // The frame runtime: sucrase is bundled, React comes through the import map (the user's React).
  const bootUsed = new Set();
  const boot = await esbuild.build({
    ...COMMON, format: "esm", entryPoints: [join(here, "src/boot/index.js")], outfile: "out.js",
    plugins: [sharedPlugin(new Set(), bootUsed), {
      // The lucide-react name table (boot/icons.js), from this build.
      name: "lucide-names",
      setup(build) {
        build.onResolve({ filter: /^canvas:lucide-names$/ }, (args) => ({ path: args.path, namespace: "lucide-names" }));
        build.onLoad({ filter: /.*/, namespace: "lucide-names" }, () => ({
          contents: `export const FILES = ${JSON.stringify(icons.table.files)};\nexport const ALIASES = ${JSON.stringify(icons.table.aliases)};\n`,
          loader: "js",
        }));
      },
    }],
  });
  const bootText = boot.outputFiles[0].text;
  manifest.boot = { file: emit("boot", bootText, files), bytes: Buffer.byteLength(bootText),
    deps: [...new Set([...bootUsed].map(specifierOwner))].sort() };

  for (const g of GLOBALS) {
    const plugins = g.after === "three" ? [{
      name: "three-global",
      setup(build) {
        build.onResolve({ filter: /^three$/ }, () => ({ path: "three", namespace: "three-global" }));
        build.onLoad({ filter: /.*/, namespace: "three-global" }, () => ({ contents: "module.exports = window.THREE;", loader: "js" }));
      },
    }] : [];
    const result = await esbuild.build({
      ...COMMON, format: "iife", stdin: { contents: g.contents, resolveDir: here, loader: "js" }, outfile: "out.js", plugins,
    });
    const text = result.outputFiles[0].text;
    const file = `globals/${g.name}-${hash(text)}.js`;
    writeFileSync(join(OUT, file), text);
    manifest.globals[g.name] = { file, pattern: g.pattern, global: g.global, after: g.after || null, bytes: Buffer.byteLength(text) };
  }

  const tailwind = readFileSync(require.resolve("@tailwindcss/browser"), "utf8");
  manifest.tailwind = { file: emit("tailwind", tailwind, files), bytes: Buffer.byteLength(tailwind) };
  manifest.compat_css = readFileSync(join(here, "src/tailwind-compat.css"), "utf8");

  // Pre-compressed copies: the asset view sends them to browsers that accept gzip.
  const compress = (dir) => {
    for (const entry of readdirSync(dir)) {
      const path = join(dir, entry);
      if (statSync(path).isDirectory()) compress(path);
      else if (entry.endsWith(".js")) writeFileSync(`${path}.gz`, gzipSync(readFileSync(path), { level: 9 }));
    }
  };
  compress(OUT);
  writeFileSync(join(OUT, "manifest.json"), JSON.stringify(manifest, null, 1));
  const total = Object.values(manifest.modules).reduce((n, m) => n + m.bytes, 0);
  console.log(`preview runtime: ${Object.keys(manifest.modules).length} modules, ${(total / 1e6).toFixed(2)} MB, boot ${(manifest.boot.bytes / 1e3).toFixed(0)} kB → static/preview/`);
}

await main();
