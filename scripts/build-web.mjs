#!/usr/bin/env node
// Builds the browser files into dist/web with esbuild:
//   embed.js    web/script/embed.ts   the loader + conversion script customers' pages load
//   widget.js   web/widget/widget.ts  the widget's script (inside our iframe)
//   widget.css, page.css              the widget's and the hosted page's styles
// Prints each file's size, and fails when embed.js gzipped is over its budget
// (CI runs this through `npm run build` and test/embed-size.test.ts).
// Usage: node scripts/build-web.mjs [--quiet] [--outdir=DIR]   (default dist/web)
import { mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

export const EMBED_BUDGET_BYTES = 1536; // 1.5 KB gzipped; aim for about 1.0 KB
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outdirArg = process.argv.find((a) => a.startsWith('--outdir='));
const outdir = outdirArg ? outdirArg.slice('--outdir='.length) : join(root, 'dist/web');
const quiet = process.argv.includes('--quiet');

const common = { bundle: true, minify: true, legalComments: 'none', charset: 'utf8', logLevel: 'warning', absWorkingDir: root };

mkdirSync(outdir, { recursive: true });
await Promise.all([
  // Modern browsers only (optional chaining and ?? are kept as they are): the script must stay small.
  // The source is one IIFE that imports nothing, so it needs no wrapper of esbuild's.
  build({ ...common, entryPoints: ['web/script/embed.ts'], outfile: join(outdir, 'embed.js'), format: 'esm', target: 'es2020' }),
  build({ ...common, entryPoints: ['web/widget/widget.ts'], outfile: join(outdir, 'widget.js'), format: 'iife', target: 'es2020' }),
  build({ ...common, entryPoints: ['web/widget/widget.css', 'web/widget/page.css'], outdir, target: 'chrome100' }),
]);

const gzipped = (file) => gzipSync(readFileSync(join(outdir, file)), { level: 9 }).length;
const sizes = ['embed.js', 'widget.js', 'widget.css', 'page.css'].map((file) => ({
  file,
  bytes: readFileSync(join(outdir, file)).length,
  gzip: gzipped(file),
}));
if (!quiet) {
  for (const s of sizes) console.log(`${s.file.padEnd(11)} ${String(s.bytes).padStart(6)} B   ${String(s.gzip).padStart(5)} B gzipped`);
}
const embed = sizes.find((s) => s.file === 'embed.js');
console.log(`embed.js (the script customers' pages load): ${embed.gzip} B gzipped, budget ${EMBED_BUDGET_BYTES} B`);
if (embed.gzip > EMBED_BUDGET_BYTES) {
  console.error(`embed.js is over its size budget by ${embed.gzip - EMBED_BUDGET_BYTES} B gzipped`);
  process.exit(1);
}
