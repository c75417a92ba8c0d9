/**
 * Intake authentication decisions test/unit/signatures.test.ts does not pin: the reasons given, which
 * caller is named, a header with surrounding space, anything around the signature, replay memory at the
 * window's edge and its clean-up.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { IntakeAuthenticator, signBody } from '../../src/intake/intake-auth';

const T = 1764460800;
const SECRET = 'intake-unit-secret';
const header = (body: string, t = T, secret = SECRET) => `t=${t},v1=${signBody(secret, t, body)}`;
const auth = (clock: { s: number }, opts: Partial<ConstructorParameters<typeof IntakeAuthenticator>[0]> = {}) =>
  new IntakeAuthenticator({ hmacSecrets: [SECRET], bearerTokens: [], now: () => clock.s * 1000, ...opts });
const reasonOf = (r: ReturnType<IntakeAuthenticator['check']>) => (r.ok ? 'ok' : r.reason);

describe('intake auth: reasons and callers', () => {
  it('says why a request is refused', () => {
    const a = auth({ s: T }, { bearerTokens: ['tok-0123456789'] });
    const body = Buffer.from('{}');
    assert.equal(
      reasonOf(a.check({ 'x-onramp-signature': 'v1=abc' }, body)),
      'malformed X-Onramp-Signature: expected t=<unix seconds>,v1=<hex sha256>'
    );
    assert.equal(
      reasonOf(a.check({ 'x-onramp-signature': header('{"x":1}') }, body)),
      'signature does not match the body'
    );
    assert.equal(
      reasonOf(a.check({ 'x-onramp-signature': header('{}', T - 301) }, body)),
      'signature timestamp outside the 300 s window'
    );
    for (const authorization of ['Basic tok-0123456789', 'xBearer tok-0123456789', 'Bearertok-0123456789']) {
      assert.equal(
        reasonOf(a.check({ authorization }, body)),
        'missing credentials: sign the request (X-Onramp-Signature) or send Authorization: Bearer <token>',
        authorization
      );
    }
    assert.equal(reasonOf(a.check({ authorization: 'Bearer nope' }, body)), 'bearer token not recognised');
    assert.equal(reasonOf(a.check({ authorization: 'Bearer\ttok-0123456789' }, body)), 'ok');
  });

  it('names the caller by the configured name of its secret, or its position', () => {
    const body = '{"a":1}';
    const named = auth({ s: T }, { hmacSecrets: ['other', SECRET], hmacSecretNames: ['file:/a', 'env:CRM'] });
    assert.deepEqual(named.check({ 'x-onramp-signature': header(body) }, Buffer.from(body)), {
      ok: true,
      method: 'hmac',
      caller: 'hmac env:CRM',
    });
    const bearerNamesOnly = auth({ s: T }, { hmacSecrets: [SECRET], bearerTokenNames: ['env:WRONG'] });
    assert.deepEqual(bearerNamesOnly.check({ 'x-onramp-signature': header(body) }, Buffer.from(body)), {
      ok: true,
      method: 'hmac',
      caller: 'hmac #1',
    });
    const twice = auth(
      { s: T },
      { bearerTokens: ['same-0123456789', 'same-0123456789'], bearerTokenNames: ['first', 'second'] }
    );
    assert.deepEqual(twice.check({ authorization: 'Bearer same-0123456789' }, Buffer.from(body)), {
      ok: true,
      method: 'bearer',
      caller: 'bearer first',
    });
  });

  it('accepts the header with surrounding space; refuses anything before or after it', () => {
    const body = '{"b":2}';
    const a = auth({ s: T });
    assert.equal(a.check({ 'x-onramp-signature': ` ${header(body)} ` }, Buffer.from(body)).ok, true);
    for (const h of [`x${header(body, T + 1)}`, `${header(body, T + 2)},`, `${header(body, T + 3)},v2=ab`]) {
      assert.equal(reasonOf(a.check({ 'x-onramp-signature': h }, Buffer.from(body))).startsWith('malformed'), true, h);
    }
  });
});

describe('intake auth: replay memory', () => {
  it('two different signed requests are both accepted; each only once', () => {
    const a = auth({ s: T });
    for (const body of ['{"n":1}', '{"n":2}']) {
      assert.equal(a.check({ 'x-onramp-signature': header(body) }, Buffer.from(body)).ok, true, body);
    }
    assert.equal(a.remembered, 2);
    assert.match(reasonOf(a.check({ 'x-onramp-signature': header('{"n":1}') }, Buffer.from('{"n":1}'))), /^replayed/);
  });

  it('a replay at the far edge of the window is still refused; older signatures are forgotten', () => {
    const clock = { s: T };
    const a = auth(clock);
    const first = '{"n":1}';
    assert.equal(a.check({ 'x-onramp-signature': header(first) }, Buffer.from(first)).ok, true);
    clock.s = T + 300;
    const second = '{"n":2}';
    assert.equal(a.check({ 'x-onramp-signature': header(second, T + 300) }, Buffer.from(second)).ok, true);
    assert.equal(
      reasonOf(a.check({ 'x-onramp-signature': header(first) }, Buffer.from(first))),
      'replayed request: this signature was already used'
    );
    assert.equal(a.remembered, 2);
    clock.s = T + 301;
    const third = '{"n":3}';
    assert.equal(a.check({ 'x-onramp-signature': header(third, T + 301) }, Buffer.from(third)).ok, true);
    assert.equal(a.remembered, 2, 'the first (301 s old) was dropped');
  });
});
