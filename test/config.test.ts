import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { describe, it } from 'node:test';
import { ConfigError, loadConfig } from '../src/config';
import { ensureTemporalCli, temporalCliCacheDir } from '../src/temporal/cli-binary';

describe('configuration from the environment', () => {
  it('defaults to the sandbox, whose vendor endpoints are the loopback simulators, and the official client variable names', () => {
    const c = loadConfig({});
    assert.equal(c.mode, 'sandbox');
    assert.deepEqual(c.temporal, { address: 'localhost:7233', namespace: 'default', taskQueue: 'onramp' });
    assert.equal(c.google.tokenUrl, 'http://127.0.0.1:8480/token');
    assert.equal(c.notify.webhookUrl, 'http://127.0.0.1:8481/notify');
    assert.deepEqual(c.autotask.allowedZoneHosts, ['127.0.0.1:8482']);
    assert.deepEqual(c.connectwise.insecureHttpHosts, ['127.0.0.1:8483']);
  });

  it('live mode talks to the real vendors and trusts no extra host', () => {
    const c = loadConfig({ ONRAMP_MODE: 'live', ONRAMP_NOTIFY_WEBHOOK_URL: 'https://support.vendor.example/onramp' });
    assert.equal(c.google.tokenUrl, 'https://oauth2.googleapis.com/token');
    assert.equal(c.google.apiRootUrl, undefined);
    assert.equal(c.autotask.discoveryUrl, 'https://webservices.autotask.net');
    assert.deepEqual(c.autotask.allowedZoneHosts, []);
    assert.deepEqual(c.connectwise.allowedHosts, []);
  });

  it('a live setting switches to live mode, which requires the notification webhook', () => {
    assert.throws(
      () => loadConfig({ ONRAMP_MODE: 'live' }),
      (e: unknown) => e instanceof ConfigError && /ONRAMP_NOTIFY_WEBHOOK_URL: required in live mode/.test(e.message)
    );
    const c = loadConfig({ ONRAMP_NOTIFY_WEBHOOK_URL: 'https://support.vendor.example/onramp' });
    assert.equal(c.mode, 'live');
  });

  it('names each bad variable and what it got', () => {
    assert.throws(
      () =>
        loadConfig({ ONRAMP_GOOGLE_TOKEN_URL: 'not a url', LOG_LEVEL: 'loud', ONRAMP_MAX_CONCURRENT_ACTIVITIES: '-1' }),
      (e: unknown) => {
        assert.ok(e instanceof ConfigError);
        assert.equal(e.problems.length, 3);
        assert.match(e.message, /ONRAMP_GOOGLE_TOKEN_URL: .*\(got "not a url"\)/);
        assert.match(e.message, /LOG_LEVEL: /);
        assert.match(e.message, /ONRAMP_MAX_CONCURRENT_ACTIVITIES: /);
        return true;
      }
    );
  });

  it('refuses a secret where a secret reference belongs', () => {
    assert.throws(
      () => loadConfig({ ONRAMP_NOTIFY_WEBHOOK_SECRET_REF: 'hunter2-the-secret' }),
      /ONRAMP_NOTIFY_WEBHOOK_SECRET_REF: must be a secret reference/
    );
  });
});

describe('Temporal CLI resolution', () => {
  it('TEMPORAL_CLI_PATH that does not exist is an error naming the variable', async () => {
    await assert.rejects(
      ensureTemporalCli({ env: { ...process.env, TEMPORAL_CLI_PATH: '/nope/temporal' } }),
      /TEMPORAL_CLI_PATH=\/nope\/temporal does not exist/
    );
  });

  it('reuses the cached build outside the repo', async () => {
    const exe = await ensureTemporalCli({ env: { ...process.env, TEMPORAL_CLI_PATH: '' } });
    assert.equal(exe.type, 'existing-path');
    assert.ok(exe.type === 'existing-path' && exe.path.startsWith(temporalCliCacheDir()) && existsSync(exe.path));
  });

  it('without Go and without a cache it falls back to the SDK download', async () => {
    const exe = await ensureTemporalCli({
      env: { PATH: '/nonexistent', HOME: '/nonexistent', ONRAMP_CACHE_DIR: '/nonexistent/cache' },
    });
    assert.deepEqual(exe, { type: 'cached-download' });
  });
});
