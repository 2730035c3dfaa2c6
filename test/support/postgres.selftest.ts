// Plain script (not a vitest file): node --import tsx test/support/postgres.selftest.ts
import pg from 'pg';
import { createTestDatabase, startPostgres } from './postgres.js';

const t0 = performance.now();
const server = await startPostgres();
const startMs = Math.round(performance.now() - t0);
try {
  const dbUrl = await createTestDatabase(server.url);
  const client = new pg.Client({ connectionString: dbUrl });
  await client.connect();
  const { rows } = await client.query<{ one: number }>('select 1 as one');
  await client.end();
  if (rows[0]?.one !== 1) throw new Error(`unexpected result: ${JSON.stringify(rows)}`);
  console.log(`server ${server.url} started in ${startMs} ms; db ${dbUrl}`);
} finally {
  await server.stop();
}
console.log('OK');
