// Builds dist/sora2_generate.js: one readable CommonJS file that runs with `node` alone.
import { build } from "esbuild";
import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";

const here = (path) => fileURLToPath(new URL(path, import.meta.url));

/**
 * Swaps yargs' platform layer and parser entry for the lean ones in build/, and stops yargs from
 * rendering the whole help text after every command it runs (kept for a later showHelp(), which
 * this CLI never calls): that rendering was 10-15% of every run's start-up.
 */
const leanYargs = {
  name: "lean-yargs",
  setup(b) {
    b.onResolve({ filter: /platform-shims[\\/]esm\.mjs$/ }, () => ({ path: here("build/yargs-platform.mjs") }));
    b.onResolve({ filter: /^yargs-parser$/ }, () => ({ path: here("build/yargs-parser.mjs") }));
    b.onLoad({ filter: /yargs[\\/]build[\\/]lib[\\/]usage\.js$/ }, async ({ path }) => {
      const source = await readFile(path, "utf8");
      const eager = "cachedHelpMessage = this.help();";
      if (source.split(eager).length !== 2) throw new Error(`yargs changed: "${eager}" not found once in ${path}`);
      return { contents: source.replace(eager, ""), loader: "js" };
    });
  },
};

await build({
  entryPoints: [here("scripts/sora2_generate.ts")],
  outfile: here("dist/sora2_generate.js"),
  bundle: true,
  platform: "node",
  target: "node20",
  format: "cjs",
  charset: "utf8",
  legalComments: "none",
  banner: { js: "#!/usr/bin/env node" },
  alias: { "whatwg-url": here("build/whatwg-url.mjs"), "string-width": here("build/string-width.mjs") },
  plugins: [leanYargs],
  logLevel: "warning",
});
