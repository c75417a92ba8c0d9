/**
 * Signatures checked against fixed vectors, not against the product's own formula: each expected value was
 * computed once outside Onramp (openssl, from the documented format: docs/operations.md) and written here literally.
 *
 *   printf '%s' '1764460800.<body>' | openssl dgst -sha256 -hmac '<secret>'
 *
 * Autotask publishes only the header's shape (`X-Hook-Signature: sha1=UaDXFl2DRDu9dnINVkFle7y5uAE=`,
 * https://www.autotask.net/help/developerhelp/Content/APIs/Webhooks/SecretKeyPayloadVerification.htm),
 * not the body and key behind it, so the HMAC-SHA1 vector is RFC 2202 test case 2 in that shape.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { notificationSignature } from '../../src/activities/notify/notification-signature';
import { IntakeAuthenticator, safeEqual, signBody } from '../../src/intake/intake-auth';
import { verifyAutotaskSignature } from '../../src/webhooks/autotask-receiver';

const T = 1764460800; // 2025-11-30T00:00:00Z

const INTAKE = {
  secret: 'whsec_onramp_vector_1',
  body: '{"orderId":"SO-1001","customer":{"id":"c-1","name":"Contoso"}}',
  header: `t=${T},v1=9273c1a97216c193b96bae841e159313e5c523d44e93d2fdba98d8361de6ea2b`,
};
const NOTIFY = {
  secret: 'notify-vector-secret',
  body: '{"event":"google.delegation.verified","customerDomain":"contoso.example"}',
  header: 'sha256=441249d54e2060ac295d1e7c5ed6332ed914f25fce9e23a230e9c3a7c45bb9e5',
};
/** RFC 2202 §3, test case 2 (HMAC-SHA1), base64 as Autotask sends it. */
const RFC2202 = { key: 'Jefe', data: 'what do ya want for nothing?', header: 'sha1=7/zfauXrL6LSdBbV8YTfnCWafHk=' };

const V1 = INTAKE.header.split(',v1=')[1]!;
const wrongV1 = (seed: string) => Buffer.from(seed.repeat(64)).toString('hex').slice(0, 64);

function auth(nowSeconds: number, secrets = [INTAKE.secret]) {
  return new IntakeAuthenticator({ hmacSecrets: secrets, bearerTokens: [], now: () => nowSeconds * 1000 });
}
const sign = (header: string) => ({ 'x-onramp-signature': header });
const body = Buffer.from(INTAKE.body);

describe('intake signature: documented vector, v1= lists, timestamps', () => {
  it('signBody produces the documented vector', () => {
    assert.equal(signBody(INTAKE.secret, T, INTAKE.body), V1);
  });

  it('the authenticator accepts the documented header', () => {
    assert.deepEqual(auth(T).check(sign(INTAKE.header), body), { ok: true, method: 'hmac', caller: 'hmac #1' });
  });

  it('one changed byte of body, timestamp or secret is refused', () => {
    assert.equal(auth(T).check(sign(INTAKE.header), Buffer.from(INTAKE.body.replace('1001', '1002'))).ok, false);
    assert.equal(auth(T).check(sign(INTAKE.header.replace(`t=${T}`, `t=${T + 1}`)), body).ok, false);
    assert.equal(auth(T, ['whsec_onramp_vector_2']).check(sign(INTAKE.header), body).ok, false);
  });

  it('several v1= values: any one valid passes, in any position; none valid fails', () => {
    assert.equal(auth(T).check(sign(`t=${T},v1=${wrongV1('a')},v1=${V1}`), body).ok, true);
    assert.equal(auth(T).check(sign(`t=${T},v1=${V1},v1=${wrongV1('b')}`), body).ok, true);
    assert.equal(auth(T).check(sign(`t=${T},v1=${wrongV1('a')},v1=${wrongV1('b')}`), body).ok, false);
  });

  it('during a secret rotation, either configured secret verifies', () => {
    assert.equal(auth(T, ['rotated-new-secret', INTAKE.secret]).check(sign(INTAKE.header), body).ok, true);
  });

  it('the 300 s window holds on both sides, inclusive at 300 s', () => {
    assert.equal(auth(T + 300).check(sign(INTAKE.header), body).ok, true, '300 s old: accepted');
    assert.equal(auth(T + 301).check(sign(INTAKE.header), body).ok, false, '301 s old: refused');
    assert.equal(auth(T - 300).check(sign(INTAKE.header), body).ok, true, '300 s in the future: accepted');
    assert.equal(auth(T - 301).check(sign(INTAKE.header), body).ok, false, '301 s in the future: refused');
    const far = auth(T - 86_400).check(sign(INTAKE.header), body);
    assert.equal(far.ok, false);
    assert.match(String(!far.ok && far.reason), /window/);
  });

  it('a signature seen before is a replay, one with a different v1 list is not', () => {
    const a = auth(T);
    assert.equal(a.check(sign(INTAKE.header), body).ok, true);
    const again = a.check(sign(INTAKE.header), body);
    assert.equal(again.ok, false);
    assert.match(String(!again.ok && again.reason), /replay/);
  });

  it('malformed headers are refused, never thrown on', () => {
    for (const h of [
      `t=${T}`,
      `v1=${V1}`,
      `t=${T},v1=${V1.slice(1)}`,
      `t=${T},v1=${V1.toUpperCase()}`,
      `t=x,v1=${V1}`,
    ]) {
      assert.equal(auth(T).check(sign(h), body).ok, false, h);
    }
  });
});

describe('Autotask X-Hook-Signature: RFC 2202 vector in the documented sha1=<base64> shape', () => {
  it('the vector verifies; any other key, body or encoding does not', () => {
    const raw = Buffer.from(RFC2202.data);
    assert.equal(verifyAutotaskSignature(RFC2202.header, raw, [RFC2202.key]), true);
    assert.equal(verifyAutotaskSignature(RFC2202.header, raw, ['jefe']), false);
    assert.equal(verifyAutotaskSignature(RFC2202.header, Buffer.from(`${RFC2202.data} `), [RFC2202.key]), false);
    // Hex instead of base64 (the mistake a same-formula test would not catch).
    assert.equal(verifyAutotaskSignature('sha1=effcdf6ae5eb2fa2d27416d5f184df9c259a7c79', raw, [RFC2202.key]), false);
    assert.equal(verifyAutotaskSignature(undefined, raw, [RFC2202.key]), false);
  });

  it("Autotask's published example header has the accepted shape (a 20-byte digest)", () => {
    // Parsed and compared, not thrown on: it is simply not this body's signature.
    assert.equal(verifyAutotaskSignature('sha1=UaDXFl2DRDu9dnINVkFle7y5uAE=', Buffer.from('{}'), ['k']), false);
    assert.equal(Buffer.from('UaDXFl2DRDu9dnINVkFle7y5uAE=', 'base64').length, 20);
  });

  it('during a rotation either secret verifies', () => {
    assert.equal(verifyAutotaskSignature(RFC2202.header, Buffer.from(RFC2202.data), ['new-key', RFC2202.key]), true);
  });
});

describe('notification signature: documented vector', () => {
  it('notificationSignature produces the documented vector', () => {
    assert.equal(notificationSignature(NOTIFY.secret, String(T), NOTIFY.body), NOTIFY.header);
  });
});

describe('intake bearer tokens and missing credentials', () => {
  const bearer = (tokens: string[]) => new IntakeAuthenticator({ hmacSecrets: [INTAKE.secret], bearerTokens: tokens });
  it('any configured token is accepted, case-insensitive scheme, surrounding space trimmed', () => {
    const a = bearer(['tok-one-0123456789', 'tok-two-0123456789']);
    assert.deepEqual(a.check({ authorization: 'Bearer tok-two-0123456789' }, body), {
      ok: true,
      method: 'bearer',
      caller: 'bearer #2',
    });
    assert.equal(a.check({ authorization: 'bearer   tok-one-0123456789 ' }, body).ok, true);
    // The caller is named by the token's configured name (its reference), never by the token.
    const named = new IntakeAuthenticator({
      hmacSecrets: [],
      bearerTokens: ['tok-one-0123456789', 'tok-two-0123456789'],
      bearerTokenNames: ['file:/run/secrets/crm', 'env:PARTNER_TOKEN'],
    });
    assert.deepEqual(named.check({ authorization: 'Bearer tok-two-0123456789' }, body), {
      ok: true,
      method: 'bearer',
      caller: 'bearer env:PARTNER_TOKEN',
    });
  });
  it('a wrong, prefixed or truncated token is refused, as is no credential at all', () => {
    const a = bearer(['tok-one-0123456789']);
    for (const h of [
      'Bearer tok-one-012345678',
      'Bearer tok-one-01234567890',
      'Bearer x',
      'Basic tok-one-0123456789',
    ]) {
      const r = a.check({ authorization: h }, body);
      assert.equal(r.ok, false, h);
    }
    const wrong = a.check({ authorization: 'Bearer nope' }, body);
    assert.match(String(!wrong.ok && wrong.reason), /bearer token not recognised/);
    const none = a.check({}, body);
    assert.match(String(!none.ok && none.reason), /missing credentials/);
    assert.equal(bearer([]).check({ authorization: 'Bearer ' }, body).ok, false, 'no tokens configured, empty token');
  });
  it('a signature header wins over a bearer token; an empty one falls through to the token', () => {
    const a = bearer(['tok-one-0123456789']);
    assert.equal(
      a.check({ 'x-onramp-signature': 'garbage', authorization: 'Bearer tok-one-0123456789' }, body).ok,
      false
    );
    assert.equal(a.check({ 'x-onramp-signature': '', authorization: 'Bearer tok-one-0123456789' }, body).ok, true);
  });
});

describe('safeEqual', () => {
  it('equal only for the same string', () => {
    assert.equal(safeEqual('abc', 'abc'), true);
    assert.equal(safeEqual('abc', 'abd'), false);
    assert.equal(safeEqual('abc', 'abcd'), false);
    assert.equal(safeEqual('', ''), true);
  });
});
