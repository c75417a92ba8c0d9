/**
 * Checklist link tokens (src/checklist/checklist-links.ts): what they bind, and every way a token is refused.
 * The format is a standard JWS: `jose` verifies it too.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { keyRing } from '../../src/codec/key-ring';
import { createChecklistLink, tokenOfChecklistLink, verifyChecklistToken } from '../../src/checklist/checklist-links';

const k1 = { id: 'k1', key: randomBytes(32) };
const k2 = { id: 'k2', key: randomBytes(32) };
const now = new Date('2026-12-05T08:00:00Z');
const input = {
  baseUrl: 'https://checklist.example.com/',
  workflowId: 'onboarding-ord-1-google-delegation',
  integration: 'google-delegation',
  recipient: 'admin@customer.example',
  ttlSeconds: 3600,
  now,
};

describe('checklist links', () => {
  it('bind workflow, integration, recipient, expiry and a link id; verify under every key of the ring', async () => {
    const link = createChecklistLink({ ...input, key: keyRing([k1]) });
    assert.match(link, /^https:\/\/checklist\.example\.com\/c\/[\w-]+\.[\w-]+\.[\w-]+$/);
    const token = tokenOfChecklistLink(link)!;
    const r = verifyChecklistToken(token, keyRing([k2, k1]), new Date(now.getTime() + 1000));
    assert.ok(r.ok);
    assert.equal(r.claims.wf, input.workflowId);
    assert.equal(r.claims.int, 'google-delegation');
    assert.equal(r.claims.sub, 'admin@customer.example');
    assert.equal(r.claims.exp, now.getTime() / 1000 + 3600);
    assert.ok(r.claims.jti.length >= 20);
    // two links for the same order differ (unguessable, own link id)
    assert.notEqual(tokenOfChecklistLink(createChecklistLink({ ...input, key: keyRing([k1]) })), token);
    // a standard JWS: jose agrees
    const { jwtVerify } = await import('jose');
    const { payload, protectedHeader } = await jwtVerify(token, k1.key, { currentDate: now });
    assert.equal(protectedHeader.kid, 'k1');
    assert.equal(payload.wf, input.workflowId);
  });

  it('refuse expired, forged, re-signed under an unknown key, tampered claims and garbage', () => {
    const token = tokenOfChecklistLink(createChecklistLink({ ...input, key: keyRing([k1]) }))!;
    const ring = keyRing([k1]);
    assert.deepEqual(verifyChecklistToken(token, ring, new Date(now.getTime() + 3600_000)), {
      ok: false,
      reason: 'expired',
    });
    const forged = tokenOfChecklistLink(createChecklistLink({ ...input, key: { id: 'k1', key: k2.key } }))!;
    assert.deepEqual(verifyChecklistToken(forged, ring, now), { ok: false, reason: 'forged' });
    const other = tokenOfChecklistLink(createChecklistLink({ ...input, key: keyRing([k2]) }))!;
    assert.deepEqual(verifyChecklistToken(other, ring, now), { ok: false, reason: 'unknown-key' });
    const [h, p, s] = token.split('.') as [string, string, string];
    const claims = JSON.parse(Buffer.from(p, 'base64url').toString()) as Record<string, unknown>;
    const tampered = Buffer.from(JSON.stringify({ ...claims, wf: 'onboarding-ord-2-google-delegation' })).toString(
      'base64url'
    );
    assert.deepEqual(verifyChecklistToken(`${h}.${tampered}.${s}`, ring, now), { ok: false, reason: 'forged' });
    for (const bad of ['', 'a.b', 'a.b.c', `${h}.${p}`, 'x'.repeat(5000), `${h}.${p}.${s}!`]) {
      assert.equal(verifyChecklistToken(bad, ring, now).ok, false, bad.slice(0, 20));
    }
  });

  it('name the missing field', () => {
    assert.throws(() => createChecklistLink({ ...input, recipient: '', key: k1 }), /recipient is required/);
    assert.throws(() => createChecklistLink({ ...input, ttlSeconds: 0, key: k1 }), /ttlSeconds/);
  });
});
