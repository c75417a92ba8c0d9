// @ts-nocheck
import type { Payload } from '@temporalio/common';
import { z } from 'zod';

/**
 * The codec server's wire format, as the Temporal Web UI and CLI send it: protobuf JSON, so bytes are
 * base64 strings (`{payloads: [{metadata: {encoding: "…"}, data: "…"}]}`).
 */
const base64 = z.string().regex(/^[A-Za-z0-9+/_-]*={0,2}$/, 'must be base64');

export const payloadsBody = z.object({
  payloads: z.array(
    z.object({
      metadata: z.record(z.string(), base64).optional(),
      data: base64.optional(),
    })
  ),
});

export type PayloadsBody = z.infer<typeof payloadsBody>;
type JsonPayload = PayloadsBody['payloads'][number];

const fromB64 = (s: string) => new Uint8Array(Buffer.from(s, 'base64'));
const toB64 = (b: Uint8Array) => Buffer.from(b).toString('base64');

export function fromJson(p: JsonPayload): Payload {
  return {
    metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, fromB64(v)])),
    data: fromB64(p.data ?? ''),
  };
}

export function toJson(p: Payload): JsonPayload {
  return {
    metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, toB64(v ?? new Uint8Array())])),
    data: toB64(p.data ?? new Uint8Array()),
  };
}
