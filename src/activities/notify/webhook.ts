import { request } from 'undici';
import { resolveSecretRef } from '../../secrets/secret-ref';
import { isRetryableStatus, parseRetryAfter, permanent, retryable, unreachable } from '../failures';
import { FailureType } from '../../contract/failure-types';
import { notificationSignature } from './notification-signature';

export interface NotifySettings {
  webhookUrl?: string;
  secretRef?: string;
  timeoutMs?: number;
}

export interface VendorNotification {
  /** Stable across retries and worker crashes: the receiver deduplicates on it, which makes delivery exactly-once. */
  idempotencyKey: string;
  event: string;
  payload: Record<string, unknown>;
}

export interface NotifyResult {
  status: number;
  duplicate: boolean;
}

export function createNotifyActivities(settings: NotifySettings) {
  return {
    async notifyVendor(n: VendorNotification): Promise<NotifyResult> {
      if (!settings.webhookUrl) {
        throw permanent(
          'ONRAMP_NOTIFY_WEBHOOK_URL is not set on the worker: set it to the vendor support intake URL',
          FailureType.NotifyNotConfigured
        );
      }
      const body = JSON.stringify({ event: n.event, ...n.payload });
      const timestamp = String(Math.floor(Date.now() / 1000));
      const headers: Record<string, string> = {
        'content-type': 'application/json',
        'idempotency-key': n.idempotencyKey,
        'x-onramp-timestamp': timestamp,
      };
      if (settings.secretRef) {
        const secret = await resolveSecretRef(settings.secretRef);
        headers['x-onramp-signature'] = notificationSignature(secret, timestamp, body);
      }
      let res;
      try {
        res = await request(settings.webhookUrl, {
          method: 'POST',
          headers,
          body,
          headersTimeout: settings.timeoutMs ?? 10_000,
          bodyTimeout: settings.timeoutMs ?? 10_000,
        });
      } catch (err) {
        throw unreachable(
          err,
          FailureType.NotifyUnreachable,
          (code) => `vendor notification webhook unreachable (${code}); retrying`
        );
      }
      const text = await res.body.text();
      if (res.statusCode >= 200 && res.statusCode < 300) {
        const duplicate = /"duplicate"\s*:\s*true/.test(text);
        return { status: res.statusCode, duplicate };
      }
      // 409: the receiver already has this idempotency key, which is what "exactly once" wants.
      if (res.statusCode === 409) return { status: 409, duplicate: true };
      const retryAfter = res.headers['retry-after'];
      if (isRetryableStatus(res.statusCode)) {
        throw retryable(
          `vendor notification webhook answered ${res.statusCode}; retrying`,
          FailureType.NotifyUnavailable,
          parseRetryAfter(Array.isArray(retryAfter) ? retryAfter[0] : retryAfter)
        );
      }
      throw permanent(
        `vendor notification webhook refused the notification with HTTP ${res.statusCode}: check ONRAMP_NOTIFY_WEBHOOK_URL and ONRAMP_NOTIFY_WEBHOOK_SECRET_REF`,
        FailureType.NotifyRejected
      );
    },
  };
}
