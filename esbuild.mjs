// Bundle js/widget.ts (+ the partial plotly.js) into the anywidget ESM the Python package ships.
import { build } from "esbuild";
import { statSync } from "node:fs";

const outfile = "src/tpot_widget/static/widget.js";
const watch = process.argv.includes("--watch");

const options = {
  entryPoints: ["js/widget.ts"],
  outfile,
  bundle: true,
  format: "esm",
  minify: !process.argv.includes("--dev"),
  target: ["es2020"],
  platform: "browser",
  legalComments: "none",
  // plotly.js is UMD/CommonJS inside: no AMD, and `global` is the browser's globalThis.
  define: { "define.amd": "false", global: "globalThis" },
  logLevel: "warning",
};

if (watch) {
  const { context } = await import("esbuild");
  const ctx = await context(options);
  await ctx.watch();
  console.log(`watching; writing ${outfile}`);
} else {
  await build(options);
  const size = statSync(outfile).size;
  console.log(`${outfile}: ${(size / 1024 / 1024).toFixed(2)} MB`);
}
