// The @babel/standalone pipeline that bench/preview_render.py compares the preview with; never part of
// the runtime the frame downloads. The benchmark copies this file and babel.min.js (a devDependency of
// frontend/preview-runtime) to static/preview/bench/ and adds it to a preview frame, where it registers
// itself as the frame's transpiler (frontend/preview-runtime/src/boot/transpile.js). Babel itself loads
// on the first transform, so a first run pays for it as a page using Babel would.
(() => {
  const babelUrl = new URL("babel.min.js", document.currentScript.src).href;
  let loading = null;
  const load = () => {
    loading ||= new Promise((resolve, reject) => {
      const script = document.createElement("script");
      script.src = babelUrl;
      script.addEventListener("load", () => resolve(window.Babel));
      script.addEventListener("error", () => reject(new Error(`could not load ${babelUrl}`)));
      document.head.append(script);
    });
    return loading;
  };
  window.canvasTranspiler = {
    async transform(code, { typescript }) {
      const Babel = await load();
      try {
        return Babel.transform(code, {
          filename: typescript ? "app.tsx" : "app.jsx",
          presets: [["react", { runtime: "automatic" }], ...(typescript ? [["typescript", { isTSX: true, allExtensions: true }]] : [])],
          retainLines: true,
        }).code;
      } catch (error) {
        throw Object.assign(new SyntaxError(error.message), { line: error.loc?.line ?? null, column: error.loc ? error.loc.column + 1 : null });
      }
    },
  };
})();
