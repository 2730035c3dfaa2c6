import nodemailer from 'nodemailer';
import type { Transporter } from 'nodemailer';
import type { AppContext } from '../app/context.js';
import { PollingLoop } from '../app/polling-loop.js';
import { claimDueMessages, markFailed, markRetry, markSent } from '../store/repositories/outbox.repository.js';
import type { OutboxRow } from '../store/repositories/outbox.repository.js';

export const MAX_ATTEMPTS = 8;
/**
 * A claimed batch is sent one message after another; the lease must outlast
 * the whole batch at the transport's timeouts, or another process would take
 * over messages still being sent and send them twice.
 */
export const LEASE_MS = 10 * 60_000;
const SMTP_TIMEOUTS = { connectionTimeout: 15_000, greetingTimeout: 15_000, socketTimeout: 30_000 };

/** Exponential backoff with a cap: 30 s, 1 min, 2 min, ... up to 1 h. */
export function retryDelayMs(attempts: number): number {
  return Math.min(30_000 * 2 ** Math.max(0, attempts - 1), 3_600_000);
}

/** SMTP replies 5xx are permanent (bad address, refused); everything else may pass on a retry. */
function isPermanent(err: unknown): boolean {
  const code = (err as { responseCode?: number }).responseCode;
  return typeof code === 'number' && code >= 500 && code < 600;
}

export interface MailWorkerOptions {
  smtpUrl: string;
  from?: string;
  pollMs?: number;
  batchSize?: number;
}

/**
 * Delivers the outbox after commit: claims due messages with a lease (so
 * several processes can run workers), sends them with nodemailer, and marks
 * each sent, due again later, or failed for good.
 */
export class MailWorker {
  private readonly transport: Transporter;
  private readonly loop: PollingLoop;

  constructor(private readonly ctx: AppContext, private readonly options: MailWorkerOptions) {
    this.transport = nodemailer.createTransport({ url: options.smtpUrl, ...SMTP_TIMEOUTS } as never);
    this.loop = new PollingLoop(() => this.pass(), options.pollMs ?? 1000, ctx.logger, 'mail worker');
  }

  start(): void {
    this.loop.start();
  }

  async stop(): Promise<void> {
    await this.loop.stop();
    this.transport.close();
  }

  /** One pass over due messages; returns how many were sent. */
  runOnce(): Promise<number> {
    return this.loop.runOnce();
  }

  private async pass(): Promise<number> {
    const { store, clock } = this.ctx;
    const now = clock.now();
    const due = await claimDueMessages(store.db, store.dialect, now.toISOString(), new Date(now.getTime() + LEASE_MS).toISOString(), this.options.batchSize ?? 10, MAX_ATTEMPTS);
    let sent = 0;
    for (const message of due) {
      if (await this.deliver(message)) sent += 1;
    }
    return sent;
  }

  private async deliver(message: OutboxRow): Promise<boolean> {
    const { store, clock, logger } = this.ctx;
    try {
      await this.transport.sendMail({
        from: this.options.from ?? 'Goalpost <no-reply@goalpost.invalid>',
        to: message.to_address,
        subject: message.subject,
        html: message.html,
        text: message.text_body,
        headers: { 'X-Goalpost-Message': message.id },
      });
      await markSent(store.db, message.id, clock.now().toISOString());
      return true;
    } catch (err) {
      const error = (err as Error).message.slice(0, 1000);
      if (isPermanent(err) || message.attempts >= MAX_ATTEMPTS) {
        await markFailed(store.db, message.id, message.attempts, error);
        logger.warn({ outboxId: message.id, error }, 'mail failed for good');
      } else {
        await markRetry(store.db, message.id, message.attempts, new Date(clock.now().getTime() + retryDelayMs(message.attempts)).toISOString(), error);
        logger.info({ outboxId: message.id, attempts: message.attempts, error }, 'mail will be retried');
      }
      return false;
    }
  }
}
