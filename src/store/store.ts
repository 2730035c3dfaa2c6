import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import SQLite from 'better-sqlite3';
import pg from 'pg';
import { Kysely, Migrator, PostgresDialect, SqliteDialect } from 'kysely';
import type { Database } from './schema.js';
import { migrationProvider } from './migrations/index.js';

export type DialectName = 'sqlite' | 'postgres';

export interface Store {
  db: Kysely<Database>;
  dialect: DialectName;
  close(): Promise<void>;
}

export class StoreError extends Error {}

export function describeDatabaseUrl(url: string): string {
  return url.startsWith('sqlite:') ? url : url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');
}

/** Opens the store named by a `sqlite:PATH` or `postgres://...` URL. */
export async function openStore(url: string, options: { poolSize?: number } = {}): Promise<Store> {
  if (url.startsWith('sqlite:')) return openSqlite(url.slice('sqlite:'.length));
  if (/^postgres(ql)?:\/\//.test(url)) return openPostgres(url, options.poolSize ?? 10);
  throw new StoreError(`Unsupported database URL "${describeDatabaseUrl(url)}": use sqlite:PATH or postgres://...`);
}

function openSqlite(path: string): Store {
  const file = path === ':memory:' ? path : resolve(path);
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  let conn: SQLite.Database;
  try {
    conn = new SQLite(file);
  } catch (err) {
    throw new StoreError(`Cannot open SQLite database ${file}: ${(err as Error).message}`);
  }
  conn.pragma('journal_mode = WAL');
  // FULL: a commit that was acknowledged survives a crash of the process or the machine.
  conn.pragma('synchronous = FULL');
  conn.pragma('foreign_keys = ON');
  conn.pragma('busy_timeout = 5000');
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: withStatementCache(conn) }) });
  return { db, dialect: 'sqlite', close: () => db.destroy() };
}

/**
 * Kysely's SQLite driver prepares every statement anew; preparing costs more
 * than running a small insert. The same SQL text always compiles to the same
 * statement, so prepared statements are kept by text (a bounded map: batch
 * inserts of other sizes make other texts).
 */
function withStatementCache(conn: SQLite.Database): SQLite.Database {
  const cache = new Map<string, SQLite.Statement>();
  const prepare = conn.prepare.bind(conn);
  return new Proxy(conn, {
    get(target, property) {
      if (property !== 'prepare') {
        const value = Reflect.get(target, property) as unknown;
        // Native methods must be called on the real connection, not on the proxy.
        return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
      }
      return (sql: string) => {
        let statement = cache.get(sql);
        if (!statement) {
          if (cache.size >= 1000) cache.clear();
          statement = prepare(sql);
          cache.set(sql, statement);
        }
        return statement;
      };
    },
  });
}

async function openPostgres(url: string, poolSize: number): Promise<Store> {
  const pool = new pg.Pool({ connectionString: url, max: poolSize });
  try {
    const client = await pool.connect();
    client.release();
  } catch (err) {
    await pool.end().catch(() => undefined);
    throw new StoreError(
      `Cannot connect to PostgreSQL at ${describeDatabaseUrl(url)}: ${(err as Error).message}`,
    );
  }
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return { db, dialect: 'postgres', close: () => db.destroy() };
}

export interface MigrationReport {
  applied: string[];
}

/** Brings the schema up to date; safe to run from several processes at once (Kysely locks). */
export async function migrateToLatest(store: Store): Promise<MigrationReport> {
  const migrator = new Migrator({ db: store.db, provider: migrationProvider });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error');
    throw new StoreError(
      `Migration ${failed?.migrationName ?? ''} failed: ${(error as Error).message ?? String(error)}`,
    );
  }
  return { applied: (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName) };
}
