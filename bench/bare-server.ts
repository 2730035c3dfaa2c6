/**
 * The ceiling for the redirect bench: a bare node:http server that answers
 * every request with the same 302 Goalpost sends for a counted click
 * (Location: the share target with gp_click appended, cache-control no-store,
 * a new gp_vid cookie) and does nothing else: no routing, no store, no logging.
 * Run as a child process (PORT, BENCH_TARGET) so it has its own event loop.
 */
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

function token(length: number): string {
  let out = '';
  for (const byte of randomBytes(length)) out += ALPHABET[byte % 62];
  return out;
}

const port = Number(process.env.PORT ?? '0');
const target = process.env.BENCH_TARGET ?? 'https://shop.example/landing';
const sep = target.includes('?') ? '&' : '?';

const server = createServer((_req, res) => {
  res.writeHead(302, {
    location: `${target}${sep}gp_click=clk_${token(16)}`,
    'cache-control': 'no-store',
    'set-cookie': `gp_vid=${token(24)}; Max-Age=31536000; Path=/; HttpOnly; SameSite=Lax`,
    'content-length': '0',
  });
  res.end();
});
server.keepAliveTimeout = 72_000;
server.listen(port, '127.0.0.1');
process.on('SIGTERM', () => server.close(() => process.exit(0)));
process.on('SIGINT', () => server.close(() => process.exit(0)));
