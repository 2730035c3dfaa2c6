import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/**
 * vitest globalSetup: builds the browser files (dist/web) and the admin UI
 * (dist/admin) once per run, so the server's /embed.js, /w, /o and /admin
 * serve what the sources say, in a fresh clone too.
 */
export function setup(): void {
  const script = fileURLToPath(new URL('../../scripts/build-web.mjs', import.meta.url));
  execFileSync(process.execPath, [script, '--quiet'], { stdio: 'inherit' });
  const admin = fileURLToPath(new URL('../../scripts/build-admin.mjs', import.meta.url));
  execFileSync(process.execPath, [admin, '--quiet'], { stdio: 'inherit' });
}
