import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { configSchema, configTableMarkdown, ConfigError, loadConfig, loadIntakeConfig } from '../src/config';
import { ensureTemporalCli, temporalCliCacheDir } from '../src/temporal/cli-binary';
import { temporalConnectionOptions } from '../src/temporal/connection';
import { resolveComposeFiles } from '../scripts/compose-resolve';
import { CONFIG_DOC, markedTable, tableCells } from '../scripts/config-table';

const repo = resolve(__dirname, '..');

describe('configuration from the environment', () => {
  it('defaults to the sandbox, whose vendor endpoints are the loopback simulators, and the official client variable names', () => {
    const c = loadConfig({});
    assert.equal(c.mode, 'sandbox');
    assert.deepEqual(c.temporal, {
      address: 'localhost:7233',
      namespace: 'default',
      taskQueue: 'onramp',
      source: 'environment',
    });
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

  it('a refused variable that may carry a secret is never printed back (URL passwords, keys)', () => {
    assert.throws(
      () =>
        loadConfig({
          ONRAMP_SECRET_STORE_URL: 'postgres://onramp:s3cr3t-pw@db:5432/onramp with a space',
          ONRAMP_LIMITER_POSTGRES_URL: 'mysql://root:other-pw@db/x',
          ONRAMP_CODEC_KEYS: 'not-a-key-ring-but-maybe-key-material',
        }),
      (e: unknown) => {
        assert.ok(e instanceof ConfigError);
        assert.match(e.message, /ONRAMP_SECRET_STORE_URL: .*postgres:\/\/onramp:\*\*\*@db/);
        assert.match(e.message, /ONRAMP_LIMITER_POSTGRES_URL: /);
        assert.match(e.message, /ONRAMP_CODEC_KEYS: .*not shown/);
        for (const secret of ['s3cr3t-pw', 'other-pw', 'maybe-key-material'])
          assert.doesNotMatch(e.message, new RegExp(secret));
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

  it('an empty variable means unset, as docker compose hands `${VAR:-}` to a service', () => {
    // Exactly what compose gave worker, intake and codec server (issue 11): both were refused before.
    const c = loadConfig({
      ONRAMP_NOTIFY_WEBHOOK_URL: 'https://support.vendor.example/onramp',
      ONRAMP_NOTIFY_WEBHOOK_SECRET_REF: '',
      ONRAMP_MAX_CACHED_WORKFLOWS: '',
      TEMPORAL_ADDRESS: '',
      TEMPORAL_TLS: '',
      ONRAMP_GOOGLE_TOKEN_URL: '',
      ONRAMP_CODEC_SERVER_PORT: '',
    });
    assert.equal(c.notify.secretRef, undefined);
    assert.equal(c.worker.maxCachedWorkflows, undefined);
    assert.equal(c.temporal.address, 'localhost:7233');
    assert.equal(c.temporal.tls, undefined);
    assert.equal(c.google.tokenUrl, 'https://oauth2.googleapis.com/token');
    assert.equal(c.codec.server.port, 8484);
  });

  it('the intake needs a way to authenticate callers; its variables live in the same schema', () => {
    assert.throws(() => loadIntakeConfig({ ONRAMP_INTAKE_BEARER_TOKEN_REFS: '' }), /set at least one/);
    const i = loadIntakeConfig({
      ONRAMP_INTAKE_BEARER_TOKEN_REFS: 'file:/run/secrets/a, env:B',
      ONRAMP_INTAKE_PORT: '',
    });
    assert.deepEqual(i, {
      host: '127.0.0.1',
      port: 8485,
      hmacSecretRefs: [],
      bearerTokenRefs: ['file:/run/secrets/a', 'env:B'],
    });
  });
});

describe('Temporal connection (official environment configuration)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'onramp-envconfig-'));
  const pem = (name: string) => {
    const p = join(dir, name);
    writeFileSync(p, `-----BEGIN CERTIFICATE-----\n${name}\n-----END CERTIFICATE-----\n`);
    return p;
  };
  const ca = pem('ca.pem');
  const crt = pem('client.pem');
  const key = pem('client.key');

  it('mTLS from the environment: server CA, server name, client certificate pair', () => {
    const c = loadConfig({
      TEMPORAL_ADDRESS: '127.0.0.1:17233',
      TEMPORAL_NAMESPACE: 'onramp',
      TEMPORAL_TLS_SERVER_CA_CERT_PATH: ca,
      TEMPORAL_TLS_SERVER_NAME: 'temporal',
      TEMPORAL_TLS_CLIENT_CERT_PATH: crt,
      TEMPORAL_TLS_CLIENT_KEY_PATH: key,
    });
    assert.equal(c.temporal.namespace, 'onramp');
    assert.deepEqual(c.codec.server.namespaces, ['onramp']);
    const o = temporalConnectionOptions(c.temporal);
    assert.equal(o.address, '127.0.0.1:17233');
    assert.ok(o.tls && typeof o.tls === 'object');
    assert.equal(o.tls.serverNameOverride, 'temporal');
    assert.equal(Buffer.from(o.tls.serverRootCACertificate ?? []).toString(), readFileSync(ca, 'utf8'));
    assert.equal(Buffer.from(o.tls.clientCertPair?.crt ?? []).toString(), readFileSync(crt, 'utf8'));
    assert.equal(Buffer.from(o.tls.clientCertPair?.key ?? []).toString(), readFileSync(key, 'utf8'));
  });

  it('a TOML profile (TEMPORAL_CONFIG_FILE / TEMPORAL_PROFILE), with environment variables on top', () => {
    const file = join(dir, 'temporal.toml');
    writeFileSync(
      file,
      [
        '[profile.default]',
        'address = "localhost:7233"',
        '[profile.cloud]',
        'address = "onramp.a1b2c.tmprl.cloud:7233"',
        'namespace = "onramp.a1b2c"',
        'api_key = "profile-api-key-0123456789"',
        '[profile.prod]',
        'address = "temporal.internal:7233"',
        'namespace = "prod"',
        '[profile.prod.tls]',
        `server_ca_cert_path = "${ca}"`,
        `client_cert_path = "${crt}"`,
        `client_key_path = "${key}"`,
        '',
      ].join('\n')
    );
    const cloud = loadConfig({ TEMPORAL_CONFIG_FILE: file, TEMPORAL_PROFILE: 'cloud' });
    assert.equal(cloud.temporal.address, 'onramp.a1b2c.tmprl.cloud:7233');
    assert.equal(cloud.temporal.namespace, 'onramp.a1b2c');
    const co = temporalConnectionOptions(cloud.temporal);
    assert.equal(co.apiKey, 'profile-api-key-0123456789');
    assert.equal(co.tls, true, 'an API key turns TLS on (system roots)');

    const prod = loadConfig({ TEMPORAL_CONFIG_FILE: file, TEMPORAL_PROFILE: 'prod', TEMPORAL_NAMESPACE: 'override' });
    assert.equal(prod.temporal.namespace, 'override');
    const po = temporalConnectionOptions(prod.temporal);
    assert.ok(po.tls && typeof po.tls === 'object' && po.tls.clientCertPair);

    assert.throws(
      () => loadConfig({ TEMPORAL_CONFIG_FILE: file, TEMPORAL_PROFILE: 'nope' }),
      /Profile 'nope' not found/
    );
    assert.throws(
      () => loadConfig({ TEMPORAL_CONFIG_FILE: join(dir, 'missing.toml') }),
      /TEMPORAL_CONFIG_FILE: .* does not exist/
    );
  });

  it('names a missing certificate file and a certificate without its key', () => {
    assert.throws(
      () => loadConfig({ TEMPORAL_TLS_SERVER_CA_CERT_PATH: join(dir, 'nope.pem') }),
      /TEMPORAL_TLS_SERVER_CA_CERT_PATH .*nope\.pem does not exist/
    );
    assert.throws(() => loadConfig({ TEMPORAL_TLS_CLIENT_CERT_PATH: crt }), /mTLS needs both/);
  });

  it('TEMPORAL_TLS=false turns TLS off; no TLS setting means plaintext', () => {
    assert.equal(temporalConnectionOptions(loadConfig({}).temporal).tls, undefined);
    assert.equal(temporalConnectionOptions(loadConfig({ TEMPORAL_TLS: 'false' }).temporal).tls, false);
    const on = temporalConnectionOptions(loadConfig({ TEMPORAL_TLS: 'true' }).temporal).tls;
    assert.ok(on && typeof on === 'object' && !on.serverRootCACertificate, 'TLS on, system roots');
  });
});

describe('one place reads the environment, and docs/configuration.md lists every variable', () => {
  it("docs/configuration.md's table is the one generated from the schema", () => {
    const doc = readFileSync(join(repo, CONFIG_DOC), 'utf8');
    assert.deepEqual(
      tableCells(markedTable(doc)),
      tableCells(configTableMarkdown()),
      `${CONFIG_DOC} is out of date: run npx tsx scripts/config-table.ts`
    );
  });

  it('no module under src/ but src/config.ts reads process.env', () => {
    const offenders: string[] = [];
    const walk = (d: string) => {
      for (const f of readdirSync(d)) {
        const p = join(d, f);
        if (statSync(p).isDirectory()) walk(p);
        else if (
          p.endsWith('.ts') &&
          !p.endsWith(join('src', 'config.ts')) &&
          /process\.env\b/.test(readFileSync(p, 'utf8'))
        )
          offenders.push(p.slice(repo.length + 1));
      }
    };
    walk(join(repo, 'src'));
    assert.deepEqual(offenders, []);
  });

  it('every variable docker-compose.yml or the image gives an Onramp service is in the schema', () => {
    const services = resolveComposeFiles(
      join(repo, 'docker-compose.yml'),
      join(repo, 'deploy/env.example'),
      {},
      join(repo, 'Dockerfile')
    );
    // Read by the runtime, not by Onramp: Node (NODE_ENV, NODE_OPTIONS) and glibc's allocator (MALLOC_*).
    const known = new Set([
      ...Object.keys(configSchema.shape),
      'NODE_ENV',
      'NODE_OPTIONS',
      'MALLOC_ARENA_MAX',
      'MALLOC_TRIM_THRESHOLD_',
      'MALLOC_MMAP_THRESHOLD_',
    ]);
    const missing = Object.values(services)
      .filter((svc) => svc.built)
      .flatMap((svc) =>
        Object.keys({ ...svc.imageEnv, ...svc.environment })
          .filter((k) => !known.has(k))
          .map((k) => `${svc.name}: ${k}`)
      );
    assert.deepEqual(missing, []);
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
