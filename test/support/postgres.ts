import { execFile, execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { access, chown, mkdtemp, readFile, rm } from 'node:fs/promises';
import { rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';

export interface PgServer {
  url: string;
  stop(): Promise<void>;
}

const BIN = '/usr/lib/postgresql/15/bin';
const run = promisify(execFile);
const HINT = 'install them with `apt-get install -y postgresql-15` or set TEST_DATABASE_URL=postgres://...';

// execFile errors already embed the command's stderr in their message.
function describe(err: unknown): string {
  return err instanceof Error ? err.message.trim() : String(err);
}

async function idOf(flag: '-u' | '-g'): Promise<number> {
  try {
    return Number((await run('id', [flag, 'postgres'])).stdout.trim());
  } catch (err) {
    throw new Error(`Cannot look up the "postgres" system user (id ${flag} postgres failed): ${describe(err)}\n` +
      `PostgreSQL server packages create it; ${HINT}`);
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => (port ? resolve(port) : reject(new Error('could not determine a free TCP port'))));
    });
  });
}

async function logTail(logFile: string): Promise<string> {
  const text = await readFile(logFile, 'utf8').catch(() => '(server log unavailable)');
  return text.split('\n').slice(-30).join('\n');
}

async function waitForConnect(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const client = new pg.Client({ connectionString: url });
    try {
      await client.connect();
      await client.query('select 1');
      return;
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 100));
    } finally {
      await client.end().catch(() => {});
    }
  }
}

export async function startPostgres(): Promise<PgServer> {
  const external = process.env.TEST_DATABASE_URL;
  if (external) return { url: external, stop: async () => {} };

  for (const bin of ['initdb', 'pg_ctl']) {
    try {
      await access(join(BIN, bin));
    } catch {
      throw new Error(`PostgreSQL 15 server binaries not found in ${BIN} (missing ${bin}): ${HINT}`);
    }
  }
  const [uid, gid] = [await idOf('-u'), await idOf('-g')];

  const dir = await mkdtemp(join(tmpdir(), 'goalpost-pg-'));
  const dataDir = join(dir, 'data');
  const logFile = join(dir, 'server.log');
  // initdb refuses to run as root, so every server command runs as the postgres user.
  const asPostgres = (bin: string, args: string[]) => ['-u', 'postgres', '--', join(BIN, bin), ...args];
  const stopArgs = asPostgres('pg_ctl', ['-D', dataDir, '-m', 'immediate', 'stop']);

  let started = false;
  const onExit = () => {
    if (started) {
      try { execFileSync('runuser', stopArgs, { stdio: 'ignore' }); } catch { /* already gone */ }
    }
    rmSync(dir, { recursive: true, force: true });
  };
  process.on('exit', onExit);
  const cleanup = async () => {
    process.off('exit', onExit);
    if (started) await run('runuser', stopArgs).catch(() => {});
    started = false;
    await rm(dir, { recursive: true, force: true });
  };

  try {
    await chown(dir, uid, gid);
    try {
      await run('runuser', asPostgres('initdb', ['-D', dataDir, '-U', 'postgres', '--auth=trust', '--no-sync', '-E', 'UTF8', '--locale=C']));
    } catch (err) {
      throw new Error(`initdb failed (as user postgres, data dir ${dataDir}): ${describe(err)}\n${HINT}`);
    }
    const port = await freePort();
    const opts = `-p ${port} -c listen_addresses=127.0.0.1 -k ${dir} -c fsync=off -c full_page_writes=off ` +
      '-c synchronous_commit=off -c max_connections=200';
    started = true;
    try {
      await run('runuser', asPostgres('pg_ctl', ['-D', dataDir, '-o', opts, '-l', logFile, '-w', 'start']));
    } catch (err) {
      throw new Error(`pg_ctl start failed on port ${port}: ${describe(err)}\n--- server log tail ---\n${await logTail(logFile)}`);
    }
    const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
    try {
      await waitForConnect(url, 15_000);
    } catch (err) {
      throw new Error(`PostgreSQL started but ${url} refused connections for 15 s: ${describe(err)}\n` +
        `--- server log tail ---\n${await logTail(logFile)}`);
    }
    return { url, stop: cleanup };
  } catch (err) {
    await cleanup().catch(() => {});
    throw err;
  }
}

export async function createTestDatabase(serverUrl: string, name?: string): Promise<string> {
  const db = name ?? `gp_test_${randomBytes(6).toString('hex')}`;
  const client = new pg.Client({ connectionString: serverUrl });
  try {
    await client.connect();
    await client.query(`CREATE DATABASE "${db.replaceAll('"', '""')}"`);
  } catch (err) {
    throw new Error(`Could not create test database "${db}" on ${serverUrl}: ${describe(err)}`);
  } finally {
    await client.end().catch(() => {});
  }
  const url = new URL(serverUrl);
  url.pathname = `/${encodeURIComponent(db)}`;
  return url.toString();
}
