import { createHmac } from 'node:crypto';
import { request } from 'undici';
import type { Webhook } from './autotask-state';

/**
 * Autotask's webhook callouts: JSON POST signed with `X-Hook-Signature: sha1=<base64 HMAC-SHA1(secretKey,
 * body)>`, 10 s timeout, 5 attempts, then dropped (vendor-apis.md B6). After 25 consecutive failed events the
 * callout is disabled.
 */
export interface DeliveryRecord {
  webhookId: number;
  url: string;
  attempt: number;
  status: number | 'network-error';
  body: string;
  at: number;
}

export interface DeliveryOptions {
  retryDelayMs: number;
  attempts: number;
  timeoutMs: number;
}

export function signAutotaskBody(secretKey: string, body: string): string {
  return `sha1=${createHmac('sha1', secretKey).update(body, 'utf8').digest('base64')}`;
}

export class CalloutQueue {
  readonly deliveries: DeliveryRecord[] = [];
  readonly deactivationCalls: { webhookId: number; url: string; status: number | 'network-error' }[] = [];
  private readonly consecutiveFailures = new Map<number, number>();
  private sequence = 0;
  private inFlight = new Set<Promise<void>>();

  constructor(
    private readonly opts: DeliveryOptions,
    private readonly onDisable: (hook: Webhook) => void
  ) {}

  nextSequence(): number {
    return ++this.sequence;
  }

  send(hook: Webhook, payload: Record<string, unknown>): void {
    const body = JSON.stringify(payload);
    const p = this.deliver(hook, body).finally(() => this.inFlight.delete(p));
    this.inFlight.add(p);
  }

  private async deliver(hook: Webhook, body: string): Promise<void> {
    for (let attempt = 1; attempt <= this.opts.attempts; attempt++) {
      const status = await this.postSigned(hook.webhookUrl, hook.secretKey, body);
      this.deliveries.push({ webhookId: hook.id, url: hook.webhookUrl, attempt, status, body, at: Date.now() });
      if (typeof status === 'number' && status >= 200 && status < 300) {
        this.consecutiveFailures.set(hook.id, 0);
        return;
      }
      if (attempt < this.opts.attempts) await new Promise((r) => setTimeout(r, this.opts.retryDelayMs));
    }
    const failures = (this.consecutiveFailures.get(hook.id) ?? 0) + 1;
    this.consecutiveFailures.set(hook.id, failures);
    if (failures >= 25 && hook.isActive) this.onDisable(hook);
  }

  /** Autotask calls the deactivation URL when a webhook is deleted or deactivated (also via its owner). */
  async callDeactivation(hook: Webhook): Promise<void> {
    const body = JSON.stringify({
      Action: 'Deactivate',
      Guid: hook.webhookGUID,
      Id: hook.id,
      EventTime: new Date().toISOString(),
    });
    const status = await this.postSigned(hook.deactivationUrl, hook.secretKey, body);
    this.deactivationCalls.push({ webhookId: hook.id, url: hook.deactivationUrl, status });
  }

  /** One signed callout, as Autotask sends it: the status, or 'network-error' when nothing answered. */
  private async postSigned(url: string, secretKey: string, body: string): Promise<number | 'network-error'> {
    try {
      const res = await request(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-hook-signature': signAutotaskBody(secretKey, body) },
        body,
        headersTimeout: this.opts.timeoutMs,
        bodyTimeout: this.opts.timeoutMs,
      });
      await res.body.dump();
      return res.statusCode;
    } catch {
      return 'network-error';
    }
  }

  /** Wait for every delivery in progress (tests, shutdown). */
  async drain(): Promise<void> {
    while (this.inFlight.size) await Promise.allSettled([...this.inFlight]);
  }
}
