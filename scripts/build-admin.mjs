#!/usr/bin/env node
// Builds the admin UI (web/admin, React) with Vite into dist/admin; the server
// serves it at /admin (src/http/routes/admin-ui.routes.ts). Asset names carry a
// content hash, so they are cached for a year and index.html is never cached.
//   node scripts/build-admin.mjs [--quiet] [--outdir=DIR]   build (default dist/admin)
//   node scripts/build-admin.mjs --dev [--api=http://127.0.0.1:3000]
//                                 a dev server with hot reload; /api, /w, /embed.js go to a running Goalpost
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, createServer } from 'vite';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const arg = (name) => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const quiet = process.argv.includes('--quiet');

const config = {
  configFile: false,
  root: join(root, 'web/admin'),
  base: '/admin/',
  logLevel: quiet ? 'error' : 'info',
  clearScreen: false,
  // JSX through esbuild (React 17+ automatic runtime): no Babel plugin needed.
  esbuild: { jsx: 'automatic' },
  build: {
    outDir: arg('outdir') ?? join(root, 'dist/admin'),
    emptyOutDir: true,
    target: 'es2022',
    assetsDir: 'assets',
    chunkSizeWarningLimit: 800,
    reportCompressedSize: !quiet,
    rollupOptions: {
      output: {
        // Libraries change less often than our code: their chunk stays cached across our releases.
        manualChunks: (id) => (id.includes('node_modules') ? (id.includes('chart') ? 'charts' : 'vendor') : undefined),
      },
    },
  },
  server: {
    fs: { allow: [root] },
    proxy: Object.fromEntries(['/api', '/w', '/o', '/embed.js', '/v1'].map((p) => [p, arg('api') ?? 'http://127.0.0.1:3000'])),
  },
};

if (process.argv.includes('--dev')) {
  process.env.NODE_ENV = 'development';
  const server = await createServer(config);
  await server.listen();
  server.printUrls();
} else {
  // A production React whatever NODE_ENV the caller has (vitest's globalSetup runs with NODE_ENV=test).
  process.env.NODE_ENV = 'production';
  await build({ ...config, mode: 'production' });
}
