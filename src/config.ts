export interface Config {
  host: string;
  port: number;
  databaseUrl: string;
  publicUrl: string;
  smtpUrl: string | null;
  mailFrom: string;
  bootstrapApiKey: string | null;
  logLevel: string;
  /** Requests a minute per IP for the public endpoints (stricter ones get a fraction); 0 turns the limits off. */
  publicRateLimit: number;
  /** Fastify's trustProxy: false, true, a hop count, or addresses/CIDRs. */
  trustProxy: boolean | number | string;
}

export class ConfigError extends Error {}

/** Reads the environment variables of the public contract (api.md, "Running"). */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const host = env.HOST || '127.0.0.1';
  const portText = env.PORT || '3000';
  const port = Number(portText);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new ConfigError(`PORT must be a number from 0 to 65535, got "${portText}"`);
  }
  const databaseUrl = env.GOALPOST_DATABASE_URL || 'sqlite:./data/goalpost.db';
  if (!/^(sqlite:|postgres(ql)?:\/\/)/.test(databaseUrl)) {
    throw new ConfigError(
      `GOALPOST_DATABASE_URL must start with "sqlite:" or "postgres://", got "${databaseUrl}"`,
    );
  }
  const publicUrl = (env.GOALPOST_PUBLIC_URL || `http://${host}:${port}`).replace(/\/+$/, '');
  try {
    new URL(publicUrl);
  } catch {
    throw new ConfigError(`GOALPOST_PUBLIC_URL must be an absolute URL, got "${publicUrl}"`);
  }
  const rateText = env.GOALPOST_PUBLIC_RATE_LIMIT || '300';
  const publicRateLimit = Number(rateText);
  if (!Number.isInteger(publicRateLimit) || publicRateLimit < 0) {
    throw new ConfigError(`GOALPOST_PUBLIC_RATE_LIMIT must be a whole number (requests a minute per IP, 0 for no limit), got "${rateText}"`);
  }
  return {
    host,
    port,
    databaseUrl,
    publicUrl,
    smtpUrl: env.GOALPOST_SMTP_URL || null,
    mailFrom: env.GOALPOST_MAIL_FROM || 'Goalpost <no-reply@localhost>',
    bootstrapApiKey: env.GOALPOST_BOOTSTRAP_API_KEY || null,
    logLevel: env.LOG_LEVEL || 'info',
    trustProxy: parseTrustProxy(env.GOALPOST_TRUST_PROXY),
    publicRateLimit,
  };
}

function parseTrustProxy(value: string | undefined): boolean | number | string {
  if (!value || value === 'false') return false;
  if (value === 'true') return true;
  if (/^[0-9]+$/.test(value)) return Number(value);
  return value;
}
