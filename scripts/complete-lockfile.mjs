// Adds the lock entries npm dropped for rollup's other-platform binaries (the
// registry mirror here lacks them), so `npm ci` (npm 11) accepts the lock file.
// Usage: node scripts/complete-lockfile.mjs [package-lock.json]  (run after every npm install that changes the lock)
import { readFileSync, writeFileSync } from 'node:fs';
const file = process.argv[2] ?? 'package-lock.json';
const lock = JSON.parse(readFileSync(file, 'utf8'));
const rollup = lock.packages['node_modules/rollup'];
let added = 0;
for (const [name, version] of Object.entries(rollup.optionalDependencies)) {
  const key = `node_modules/${name}`;
  if (lock.packages[key] || !name.startsWith('@rollup/rollup-')) continue;
  const [os, cpu, abi] = name.slice('@rollup/rollup-'.length).split('-');
  const entry = { version, cpu: [cpu], dev: true, license: 'MIT', optional: true, os: [os] };
  if (os === 'linux') entry.libc = [abi?.startsWith('musl') ? 'musl' : 'glibc'];
  lock.packages[key] = Object.fromEntries(Object.entries(entry).sort(([a], [b]) => a.localeCompare(b)));
  added++;
}
lock.packages = Object.fromEntries(Object.entries(lock.packages).sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a.localeCompare(b))));
writeFileSync(file, JSON.stringify(lock, null, 2) + '\n');
console.log(`added ${added} entries`);
