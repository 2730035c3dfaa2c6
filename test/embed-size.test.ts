import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
const BUDGET = 1536; // 1.5 KB gzipped (scripts/build-web.mjs says the same); we aim for about 1.0 KB

describe('/embed.js size budget', () => {
  it(`builds embed.js with esbuild and keeps it within ${BUDGET} B gzipped`, () => {
    // Into a folder of its own: the served dist/web may be in use by other suites right now.
    const outdir = mkdtempSync(join(tmpdir(), 'goalpost-web-'));
    const output = execFileSync(process.execPath, ['scripts/build-web.mjs', `--outdir=${outdir}`], { cwd: root, encoding: 'utf8' });
    const script = readFileSync(join(outdir, 'embed.js'));
    rmSync(outdir, { recursive: true, force: true });
    const gzipped = gzipSync(script, { level: 9 }).length;
    console.log(`embed.js: ${script.length} B minified, ${gzipped} B gzipped (budget ${BUDGET} B)`);
    expect(output).toContain(`embed.js (the script customers' pages load): ${gzipped} B gzipped`);
    expect(gzipped).toBeLessThanOrEqual(BUDGET);
    // No dependencies and nothing to import: one self-contained script.
    expect(script.toString()).not.toMatch(/\bimport\b|\brequire\(/);
  });
});
