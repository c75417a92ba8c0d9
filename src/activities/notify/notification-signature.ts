import { createHmac } from 'node:crypto';

/**
 * The `X-Onramp-Signature` of a notification (docs/operations.md): `sha256=<hex HMAC-SHA256(secret, "<timestamp>.<body>")>`,
 * where the timestamp is the `X-Onramp-Timestamp` header (unix seconds) and the body the exact bytes sent.
 */
export function notificationSignature(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}
