// Bundles each entry point of src/ into ../static/dist/ (one file per page feature).
import * as esbuild from "esbuild";

// app: every page (htmx, notices); editor: the canvas page (CodeMirror + Yjs, see src/editor/);
// preview: the Preview tab of code canvases (see src/preview/).
const entryPoints = {
  app: "src/app.js", editor: "src/editor/index.js", preview: "src/preview/index.js",
  history: "src/history/index.js",  // the History side panel of the canvas page
  publish: "src/publish/app.js",  // published apps (/p/<token>/)
};

await esbuild.build({
  entryPoints,
  outdir: "../static/dist",
  bundle: true,
  format: "iife",
  target: ["es2020"],
  minify: process.env.NODE_ENV !== "development",
  sourcemap: true,
  legalComments: "linked",
  logLevel: "warning",
});
