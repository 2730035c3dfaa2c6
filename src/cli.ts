#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from './config.js';
import { createApiKey, ensureBootstrapKey, listApiKeys, revokeApiKeyOrThrow } from './app/api-keys.js';
import { openContext } from './app/bootstrap.js';
import { systemClock } from './app/clock.js';
import { GoalpostError } from './domain/errors.js';
import { createServer } from './http/server.js';
import { MailWorker } from './delivery/mail-worker.js';
import { CampaignRunner } from './app/campaigns/runner.js';
import { describeDatabaseUrl, migrateToLatest, openStore, StoreError } from './store/store.js';

const USAGE = `Usage: goalpost <command>

Commands:
  serve                               start the server (migrates the store first)
  migrate                             bring the store's schema up to date
  api-key create --name NAME --role administrator|marketer|analyst [--awards]
  api-key list
  api-key revoke KEY_ID

Configuration comes from the environment: HOST, PORT, GOALPOST_DATABASE_URL,
GOALPOST_PUBLIC_URL, GOALPOST_SMTP_URL, GOALPOST_MAIL_FROM, GOALPOST_BOOTSTRAP_API_KEY
(see README).`;

async function serve(): Promise<void> {
  const config = loadConfig();
  const ctx = await openContext(config);
  const created = await ensureBootstrapKey(ctx.store, ctx.clock, config.bootstrapApiKey).catch((err: unknown) => {
    // A GOALPOST_BOOTSTRAP_API_KEY we refuse (too short) must stop the start, not leave a server without keys.
    if (err instanceof GoalpostError) throw err;
    // Another process sharing the database made the first key at the same moment.
    ctx.logger.warn({ err }, 'bootstrap key not created');
    return null;
  });
  if (created && !config.bootstrapApiKey) {
    process.stdout.write(
      `\nFirst start: an administrator API key was created. It is shown only this once:\n\n    ${created.secret}\n\n` +
        `Use it as "Authorization: Bearer <key>". Create more with \`goalpost api-key create\`.\n\n`,
    );
  }
  const app = await createServer(ctx);
  const mail = config.smtpUrl ? new MailWorker(ctx, { smtpUrl: config.smtpUrl, from: config.mailFrom }) : null;
  mail?.start();
  const runner = new CampaignRunner(ctx);
  runner.start();
  if (!mail) ctx.logger.info('GOALPOST_SMTP_URL is not set: emails are kept in the store (GET /api/v1/outbox)');
  await app.listen({ host: config.host, port: config.port });
  ctx.logger.info({ url: config.publicUrl, store: describeDatabaseUrl(config.databaseUrl) }, 'goalpost is serving');
  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    ctx.logger.info({ signal }, 'shutting down');
    await app.close();
    await runner.stop();
    await mail?.stop();
    await ctx.store.close();
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}

async function migrate(): Promise<void> {
  const config = loadConfig();
  const store = await openStore(config.databaseUrl);
  try {
    const { applied } = await migrateToLatest(store);
    console.log(applied.length ? `Applied: ${applied.join(', ')}` : 'The store is up to date.');
  } finally {
    await store.close();
  }
}

async function apiKey(args: string[]): Promise<void> {
  const [sub, ...rest] = args;
  const { values, positionals } = parseArgs({
    args: rest,
    options: { name: { type: 'string' }, role: { type: 'string' }, awards: { type: 'boolean', default: false } },
    allowPositionals: true,
  });
  const config = loadConfig();
  const store = await openStore(config.databaseUrl);
  try {
    await migrateToLatest(store);
    if (sub === 'create') {
      if (!values.name || !values.role) throw new UsageError('api-key create needs --name NAME and --role administrator|marketer|analyst');
      const { key, secret } = await createApiKey(store.db, systemClock, { name: values.name, role: values.role, awards: values.awards });
      console.log(`Created ${key.id} (${key.role}${key.awards ? ', awards' : ''}). The key is shown only this once:\n\n    ${secret}\n`);
    } else if (sub === 'list') {
      const keys = await listApiKeys(store.db);
      if (keys.length === 0) console.log('No API keys yet: run `goalpost api-key create --name NAME --role administrator`.');
      for (const k of keys) {
        console.log(
          [k.id, k.prefix + '...', k.role + (k.awards ? '+awards' : ''), k.name, `created ${k.createdAt}`, k.revokedAt ? `REVOKED ${k.revokedAt}` : `last used ${k.lastUsedAt ?? 'never'}`].join('  '),
        );
      }
    } else if (sub === 'revoke') {
      const id = positionals[0];
      if (!id) throw new UsageError('api-key revoke needs the key id (see `goalpost api-key list`)');
      await revokeApiKeyOrThrow(store.db, systemClock, id);
      console.log(`Revoked ${id}.`);
    } else {
      throw new UsageError(`Unknown api-key command "${sub ?? ''}": use create, list or revoke`);
    }
  } finally {
    await store.close();
  }
}

class UsageError extends Error {}

async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'serve':
      return serve();
    case 'migrate':
      return migrate();
    case 'api-key':
      return apiKey(rest);
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      console.log(USAGE);
      return;
    default:
      throw new UsageError(`Unknown command "${command}"`);
  }
}

main(process.argv.slice(2)).catch((err: unknown) => {
  if (err instanceof UsageError) {
    console.error(`${err.message}\n\n${USAGE}`);
    process.exit(2);
  }
  if (err instanceof ConfigError || err instanceof StoreError || err instanceof GoalpostError) {
    // ValidationError keeps the useful part (e.g. the list of roles) in its details.
    const details = err instanceof GoalpostError ? err.details.map((d) => `\n  ${d.path}: ${d.message}`).join('') : '';
    console.error(`goalpost: ${err.message}${details}`);
    process.exit(1);
  }
  console.error(err);
  process.exit(1);
});
