import { Webhook } from 'standardwebhooks';

export interface WebhookCall {
  url: string;
  secret: string;
  /** Stable per step of a run: receivers deduplicate retries by it. */
  messageId: string;
  payload: unknown;
  at: Date;
}

export class WebhookError extends Error {
  constructor(message: string, readonly permanent: boolean) {
    super(message);
  }
}

/**
 * Posts a signed JSON payload (Standard Webhooks: webhook-id,
 * webhook-timestamp, webhook-signature). A 2xx answer is success; 4xx other
 * than 408/429 is permanent (the receiver refuses it); anything else may pass
 * on a retry.
 */
export async function postSignedWebhook(call: WebhookCall, timeoutMs = 10_000): Promise<{ status: number }> {
  const body = JSON.stringify(call.payload);
  const signature = new Webhook(call.secret).sign(call.messageId, call.at, body);
  let response: Response;
  try {
    response = await fetch(call.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'user-agent': 'Goalpost-Webhooks/1',
        'webhook-id': call.messageId,
        'webhook-timestamp': String(Math.floor(call.at.getTime() / 1000)),
        'webhook-signature': signature,
      },
      body,
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (err) {
    throw new WebhookError(`request failed: ${(err as Error).message}`, false);
  }
  await response.body?.cancel();
  if (response.status >= 200 && response.status < 300) return { status: response.status };
  const permanent = response.status >= 400 && response.status < 500 && response.status !== 408 && response.status !== 429;
  throw new WebhookError(`answered ${response.status}`, permanent);
}
