import { readFile } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyPluginAsync, FastifyReply } from 'fastify';

/**
 * The admin UI (web/admin, built by scripts/build-admin.mjs into dist/admin)
 * at /admin. Hashed assets (/admin/assets/name-HASH.js) never change and are
 * cached for a year; every other path below /admin is a screen of the
 * single-page app and gets index.html, never cached, so a new release is
 * picked up at the next load. The app talks only to the admin API.
 */

// src/http/routes and dist/http/routes are both three levels below the package root.
export const ADMIN_UI_DIR = fileURLToPath(new URL('../../../dist/admin/', import.meta.url));

const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.json': 'application/json; charset=utf-8',
};
const ASSET = /^[A-Za-z0-9_.-]{1,200}$/;

const HEADERS = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  // The preview frames the widget (/w/) and the email preview is a sandboxed srcdoc frame; nothing else is loaded from elsewhere.
  'content-security-policy':
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; frame-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'; object-src 'none'",
};

export function adminUiRoutes(dir = ADMIN_UI_DIR): FastifyPluginAsync {
  return async (app) => {
    const sendIndex = async (reply: FastifyReply) => {
      let html: Buffer;
      try {
        html = await readFile(join(dir, 'index.html'));
      } catch {
        return reply
          .status(503)
          .headers({ ...HEADERS, 'cache-control': 'no-store' })
          .type('text/plain; charset=utf-8')
          .send('The admin UI is not built: run "npm run build" (or node scripts/build-admin.mjs).');
      }
      return reply.headers({ ...HEADERS, 'cache-control': 'no-cache' }).type('text/html; charset=utf-8').send(html);
    };

    app.get('/admin', { schema: { hide: true } }, async (_request, reply) => reply.redirect('/admin/', 301));
    app.get<{ Params: { name: string } }>('/admin/assets/:name', { schema: { hide: true } }, async (request, reply) => {
      const name = request.params.name;
      const type = TYPES[extname(name)];
      let body: Buffer | null = null;
      if (ASSET.test(name) && !name.startsWith('.') && type) {
        body = await readFile(join(dir, 'assets', name)).catch(() => null);
      }
      if (!body) return reply.status(404).headers(HEADERS).type('text/plain; charset=utf-8').send('Not found');
      return reply.headers({ ...HEADERS, 'cache-control': 'public, max-age=31536000, immutable' }).type(type!).send(body);
    });
    app.get('/admin/*', { schema: { hide: true } }, async (_request, reply) => sendIndex(reply));
  };
}
