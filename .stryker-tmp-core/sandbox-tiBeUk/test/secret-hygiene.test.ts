// @ts-nocheck
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { describe, it } from 'node:test';
import { createLogger, type Logger } from '../src/logger';
import { registerSecret, scrubSecrets } from '../src/secrets/scrub';
import { resolveSecretRef } from '../src/secrets/secret-ref';
import { createSandboxServiceAccount } from '../src/simulators/google/service-account';

/** The logger exactly as Onramp builds it, writing to memory. */
function captureLogs(fn: (log: Logger) => void): string {
  let out = '';
  const sink = new Writable({
    write(chunk: Buffer, _enc, cb) {
      out += chunk.toString();
      cb();
    },
  });
  fn(createLogger({ level: 'info', destination: sink }));
  return out;
}

describe('secrets stay out of logs and error strings', () => {
  const { keyFile } = createSandboxServiceAccount();

  it('structured fields that can carry secrets are redacted, nested too', async () => {
    const out = captureLogs((log) => {
      log.info(
        {
          secret: 'canary-top-level-1234',
          creds: { privateKey: 'canary-nested-5678' },
          a: { b: { password: 'canary-deep-9012' } },
        },
        'x'
      );
    });
    for (const c of ['canary-top-level-1234', 'canary-nested-5678', 'canary-deep-9012'])
      assert.ok(!out.includes(c), `${c} leaked: ${out}`);
    assert.match(out, /\[REDACTED\]/);
  });

  it('error objects are scrubbed and lose the request config libraries attach', () => {
    const err = Object.assign(new Error(`token request failed for ${keyFile.private_key}`), {
      config: { data: 'assertion=eyJhbGciOiJSUzI1NiJ9.eyJpc3MiOiJ4QHkuY29tIn0.c2lnbmF0dXJlLXNpZ25hdHVyZQ' },
    });
    const out = captureLogs((log) => log.error({ err }, `failed with ${keyFile.private_key}`));
    assert.ok(!out.includes('PRIVATE KEY'), out);
    assert.ok(!out.includes('assertion='), out);
    assert.match(out, /token request failed for \[REDACTED\]/);
  });

  it('a PEM key, a JWT assertion, a bearer token and registered secrets are scrubbed from strings', () => {
    const jwt = 'eyJhbGciOiJSUzI1NiJ9.eyJpc3MiOiJ4QHkuY29tIn0.c2lnbmF0dXJlLXNpZ25hdHVyZQ';
    registerSecret('registered-canary-secret-value');
    const text = `failed: ${keyFile.private_key} assertion=${jwt} Authorization: Bearer ya29.abcdefghijkl registered-canary-secret-value`;
    const s = scrubSecrets(text);
    assert.ok(!s.includes('PRIVATE KEY'), s);
    assert.ok(!s.includes(jwt));
    assert.ok(!s.includes('ya29.abcdefghijkl'));
    assert.ok(!s.includes('registered-canary-secret-value'));
    assert.match(s, /^failed: /);
  });

  it('resolving a secret reference registers the value, so it is scrubbed wherever it shows up later', async () => {
    const value = 'env-canary-secret-0987654321';
    const got = await resolveSecretRef('env:ONRAMP_TEST_CANARY', { ONRAMP_TEST_CANARY: value });
    assert.equal(got, value);
    assert.equal(scrubSecrets(`vendor echoed ${value} back`), 'vendor echoed [REDACTED] back');
  });

  it('an unresolvable reference names the variable and the fix, and never echoes a value', async () => {
    await assert.rejects(
      resolveSecretRef('env:NOT_SET_ANYWHERE', {}),
      /no environment variable NOT_SET_ANYWHERE; set it on the worker/
    );
    await assert.rejects(resolveSecretRef('the-secret-itself', {}), /is not a secret reference/);
  });
});
