import type { TestProject } from 'vitest/node';
import { startPostgres } from './postgres.js';
import type { PgServer } from './postgres.js';

/**
 * One real PostgreSQL server for the whole run (each suite creates its own
 * database on it). Never skipped: if it cannot start, the run fails and says why.
 */
let server: PgServer | null = null;

export async function setup(project: TestProject): Promise<void> {
  server = await startPostgres();
  project.provide('postgresUrl', server.url);
}

export async function teardown(): Promise<void> {
  await server?.stop();
}

declare module 'vitest' {
  export interface ProvidedContext {
    postgresUrl: string;
  }
}
