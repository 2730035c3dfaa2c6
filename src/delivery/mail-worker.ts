import nodemailer from 'nodemailer';
import type { Transporter } from 'nodemailer';
import type { AppContext } from '../app/context.js';
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
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<number> | null = null;
  private stopped = false;

  constructor(private readonly ctx: AppContext, private readonly options: MailWorkerOptions) {
    this.transport = nodemailer.createTransport({ url: options.smtpUrl, ...SMTP_TIMEOUTS } as never);
  }

  start(): void {
    this.stopped = false;
    const tick = async () => {
      if (this.stopped) return;
      try {
        await this.runOnce();
      } catch (err) {
        this.ctx.logger.error({ err }, 'mail worker pass failed');
      }
      if (!this.stopped) this.timer = setTimeout(tick, this.options.pollMs ?? 1000);
    };
    this.timer = setTimeout(tick, 0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
    this.transport.close();
  }

  /** One pass over due messages; returns how many were sent. */
  runOnce(): Promise<number> {
    this.running ??= this.pass().finally(() => {
      this.running = null;
    });
    return this.running;
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
