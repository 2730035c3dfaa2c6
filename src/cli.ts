#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from './config.js';
import { createApiKey, ensureBootstrapKey, listApiKeys, revokeApiKeyOrThrow } from './app/api-keys.js';
import { createAccount, ensureFirstAccount, findAccountByEmail, listAllAccounts, setAccountPassword } from './app/accounts.js';
import { passwordProblems } from './domain/accounts.js';
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
  account create --email EMAIL --role administrator|marketer|analyst [--awards]
                                      an admin UI account; the password comes from
                                      GOALPOST_ACCOUNT_PASSWORD or is asked for
  account list
  account password --email EMAIL      set a new password (ends the account's sessions)

Configuration comes from the environment: HOST, PORT, GOALPOST_DATABASE_URL,
GOALPOST_PUBLIC_URL, GOALPOST_SMTP_URL, GOALPOST_MAIL_FROM, GOALPOST_BOOTSTRAP_API_KEY,
GOALPOST_ADMIN_EMAIL and GOALPOST_ADMIN_PASSWORD (see README).`;

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
  const firstAccount = await ensureFirstAccount(ctx.store, ctx.clock, {
    email: process.env.GOALPOST_ADMIN_EMAIL || null,
    password: process.env.GOALPOST_ADMIN_PASSWORD || null,
  });
  if (firstAccount === 'created') {
    process.stdout.write(`\nFirst start: the administrator account ${process.env.GOALPOST_ADMIN_EMAIL} was created. Sign in at ${config.publicUrl}/admin\n\n`);
  } else if (firstAccount === 'missing') {
    process.stdout.write(
      `\nNo account can sign in to the admin UI yet. Create the first administrator with:\n\n` +
        `    npx goalpost account create --email you@example.com --role administrator\n\n` +
        `(it asks for the password), or start once with GOALPOST_ADMIN_EMAIL and GOALPOST_ADMIN_PASSWORD set.\n\n`,
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

/**
 * The new account's password: GOALPOST_ACCOUNT_PASSWORD, else asked twice on
 * the terminal without echo. A weak one is refused before anything is written.
 */
async function accountPassword(): Promise<string> {
  const fromEnv = process.env.GOALPOST_ACCOUNT_PASSWORD;
  if (!fromEnv && !process.stdin.isTTY) {
    throw new ConfigError('Set GOALPOST_ACCOUNT_PASSWORD, or run the command in a terminal to be asked for the password.');
  }
  const password = fromEnv || (await askHidden('Password: '));
  const problems = passwordProblems(password);
  if (problems.length > 0) throw new ConfigError(`Weak password: ${problems.map((p) => p.message).join(' ')} Nothing was changed.`);
  if (!fromEnv && (await askHidden('Repeat the password: ')) !== password) throw new ConfigError('The two passwords differ: nothing was changed.');
  return password;
}

/** Reads one line from the terminal without echoing it. */
function askHidden(prompt: string): Promise<string> {
  const stdin = process.stdin;
  process.stderr.write(prompt);
  return new Promise((resolve, reject) => {
    let value = '';
    const finish = () => {
      stdin.off('data', onData);
      stdin.setRawMode(false);
      stdin.pause();
      process.stderr.write('\n');
    };
    const onData = (chunk: string) => {
      for (const ch of chunk) {
        if (ch === '\r' || ch === '\n' || ch === '\u0004') {
          finish();
          return resolve(value);
        }
        if (ch === '\u0003') {
          finish();
          return reject(new ConfigError('Cancelled: nothing was changed.'));
        }
        value = ch === '\u007f' || ch === '\b' ? value.slice(0, -1) : value + ch;
      }
    };
    stdin.setRawMode(true);
    stdin.setEncoding('utf8');
    stdin.on('data', onData);
    stdin.resume();
  });
}

async function account(args: string[]): Promise<void> {
  const [sub, ...rest] = args;
  let values: { email?: string; role?: string; awards?: boolean };
  try {
    ({ values } = parseArgs({ args: rest, options: { email: { type: 'string' }, role: { type: 'string' }, awards: { type: 'boolean' } }, allowPositionals: false }));
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  if (sub !== 'create' && sub !== 'list' && sub !== 'password') throw new UsageError(`Unknown account command "${sub ?? ''}": use create, list or password`);
  if (sub === 'create' && (!values.email || !values.role)) throw new UsageError('account create needs --email EMAIL and --role administrator|marketer|analyst');
  if (sub === 'password' && !values.email) throw new UsageError('account password needs --email EMAIL');
  const password = sub === 'list' ? null : await accountPassword();
  const config = loadConfig();
  const store = await openStore(config.databaseUrl);
  try {
    await migrateToLatest(store);
    if (sub === 'create') {
      const created = await createAccount(store, systemClock, { email: values.email!, role: values.role!, ...(values.awards ? { awards: true } : {}), password: password! });
      console.log(`Created ${created.id} (${created.role}${created.awards ? ', awards' : ''}): ${created.email}. Sign in at ${config.publicUrl}/admin`);
    } else if (sub === 'list') {
      const accounts = await listAllAccounts(store);
      if (accounts.length === 0) console.log('No accounts yet: run `goalpost account create --email EMAIL --role administrator`.');
      for (const a of accounts) {
        console.log([a.id, a.email, a.role + (a.awards ? '+awards' : ''), `created ${a.createdAt}`, `last sign-in ${a.lastSignInAt ?? 'never'}`].join('  '));
      }
    } else {
      const found = await findAccountByEmail(store, values.email!);
      if (!found) throw new ConfigError(`No account for ${values.email}: see \`goalpost account list\`.`);
      await setAccountPassword(store, systemClock, found.id, password!);
      console.log(`New password set for ${found.email}; their sessions were ended.`);
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
    case 'account':
      return account(rest);
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
