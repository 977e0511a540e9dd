// Bundle js/widget.ts (+ the partial plotly.js) into the anywidget ESM the Python package ships,
// js/report.ts (the same widget over the report's static model) into the script report.py
// inlines in an HTML report, and js/widget.css into the stylesheet both use (the widget's _css).
//   node esbuild.mjs            minified build (what the wheel ships)
//   node esbuild.mjs --watch    unminified, inline source maps, rebuilt on every save
//                               (`npm run dev`; with ANYWIDGET_HMR=1 the notebook reloads it)
import { build, context } from "esbuild";
import { statSync } from "node:fs";
import { fileURLToPath } from "node:url";

const outdir = "src/tpot_widget/static";
const watch = process.argv.includes("--watch");
const dev = watch || process.argv.includes("--dev");

const common = {
  bundle: true,
  minify: !dev,
  sourcemap: dev ? "inline" : false,
  legalComments: "none",
  logLevel: "warning",
};

// The index worker (js/index-worker.ts), bundled first and inlined into both bundles as a
// string: js/index-builder.ts starts it from a blob URL, so no file is fetched (the report is
// one offline file). Built at import, so that every build of these configurations has it
// (in --watch mode, restart to pick up changes to the worker's modules).
const workerSource = (
  await build({
    ...common,
    entryPoints: ["js/index-worker.ts"],
    format: "iife",
    target: ["es2020"],
    platform: "browser",
    sourcemap: false,
    write: false,
  })
).outputFiles[0].text;

export const js = {
  ...common,
  entryPoints: ["js/widget.ts"],
  outfile: `${outdir}/widget.js`,
  format: "esm",
  target: ["es2020"],
  platform: "browser",
  // plotly.js is UMD/CommonJS inside: no AMD, and `global` is the browser's globalThis.
  define: { "define.amd": "false", global: "globalThis", __INDEX_WORKER__: JSON.stringify(workerSource) },
  // plotly's registry imports maplibre's CSS for map traces, which the partial bundle lacks
  loader: { ".css": "empty" },
};

export const report = {
  ...js,
  entryPoints: ["js/report.ts"],
  outfile: `${outdir}/report.js`,
  // a classic script inlined at the end of the report's <body>: no module loading needed
  format: "iife",
};

export const css = {
  ...common,
  entryPoints: ["js/widget.css"],
  outfile: `${outdir}/widget.css`,
};

// Built when run (`npm run build`); tests import the configurations (e.g. to add a view).
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  if (watch) {
    const contexts = await Promise.all([context(js), context(report), context(css)]);
    await Promise.all(contexts.map((ctx) => ctx.watch()));
    console.log(`watching js/; writing ${outdir}/widget.js, report.js and widget.css`);
  } else {
    await Promise.all([build(js), build(report), build(css)]);
    for (const file of [js.outfile, report.outfile, css.outfile]) {
      console.log(`${file}: ${(statSync(file).size / 1024 / 1024).toFixed(2)} MB`);
    }
  }
}
