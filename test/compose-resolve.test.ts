import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, it } from 'node:test';
import {
  ComposeError,
  dockerfileRuntime,
  interpolate,
  resolveCompose,
  resolveComposeFiles,
} from '../scripts/compose-resolve';
import { loadConfig } from '../src/config';

const repo = resolve(__dirname, '..');

describe('compose resolution (scripts/prod-proof.sh runs what this gives)', () => {
  it('interpolates like docker compose: defaults on unset/empty, required, alternates, $$', () => {
    const vars = { SET: 'v', EMPTY: '' };
    assert.equal(interpolate('${SET:-d} ${EMPTY:-d} ${UNSET:-d}', vars), 'v d d');
    assert.equal(interpolate('${EMPTY-d}|${UNSET-d}', vars), '|d');
    assert.equal(interpolate('${SET:+alt}|${EMPTY:+alt}|${EMPTY+alt}', vars), 'alt||alt');
    assert.equal(interpolate('$SET-${SET} $$SET $${x%%:*}', vars), 'v-v $SET ${x%%:*}');
    assert.equal(interpolate('${UNSET:-${SET}}', vars), 'v');
    assert.throws(
      () => interpolate('${EMPTY:?say why}', vars, 'services.a'),
      /services\.a: required variable EMPTY .*say why/
    );
    assert.equal(interpolate('${EMPTY?x}', vars), '');
  });

  it('anchors, merge keys (one or a list), .env below the shell, image CMD and ENV', () => {
    const services = resolveCompose({
      composeText: `
x-env: &env
  A: \${A:-a}
  B: \${B}
x-more: &more
  C: c
x-svc: &svc
  build: .
services:
  one:
    <<: *svc
    environment:
      <<: [*env, *more]
      B: own
  two:
    image: other
    command: ['x', 'y']
    environment: ['K=\${FROM_DOTENV}', 'N']
`,
      dotEnvText: '# comment\nFROM_DOTENV=dot\nA="quoted"\nN=from-dotenv\n',
      shellEnv: { A: 'shell' },
      dockerfileText:
        'FROM node AS build\nCMD ["no"]\nFROM node:22\nENV X=1 \\\n    Y=two\nCMD ["node", "dist/worker.js"]\n',
    });
    assert.deepEqual(services.one!.environment, { A: 'shell', B: 'own', C: 'c' });
    assert.deepEqual(services.one!.command, ['node', 'dist/worker.js']);
    assert.deepEqual(services.one!.imageEnv, { X: '1', Y: 'two' });
    assert.deepEqual(services.two!.environment, { K: 'dot', N: 'from-dotenv' });
    assert.deepEqual(services.two!.command, ['x', 'y']);
    assert.throws(() => resolveCompose({ composeText: 'services:\n  a:\n    image: ${X:?need X}\n' }), ComposeError);
  });

  it("this repository's compose file with the documented .env (deploy/env.example): every Onramp service runs the compiled image and its environment loads", () => {
    const services = resolveComposeFiles(
      join(repo, 'docker-compose.yml'),
      join(repo, 'deploy/env.example'),
      {},
      join(repo, 'Dockerfile')
    );
    const onramp = Object.values(services).filter((s) => s.built);
    assert.deepEqual(onramp.map((s) => s.name).sort(), ['checklist-page', 'codec-server', 'intake', 'worker']);
    for (const s of onramp) {
      assert.equal(s.command[0], 'node', `${s.name} runs node, not tsx/npx`);
      // node [flags] dist/<entry>.js (the worker's CMD carries --optimize-for-size: NODE_OPTIONS refuses it).
      assert.match(s.command.at(-1) ?? '', /^dist\/.*\.js$/);
      for (const flag of s.command.slice(1, -1)) assert.match(flag, /^--[a-z-]+(=\S+)?$/, `${s.name}: ${flag}`);
      // What broke in issue 11: compose hands `VAR=''`; the config must take it as unset. (Certificate
      // paths exist only in the container, so the Temporal TLS variables are left out here.)
      const env = Object.fromEntries(
        Object.entries({ ...s.imageEnv, ...s.environment }).filter(([k]) => !k.startsWith('TEMPORAL_TLS_'))
      );
      assert.ok(Object.values(s.environment).includes(''), `${s.name} gets some empty variable from compose`);
      const c = loadConfig(env);
      assert.equal(c.mode, 'live');
      assert.equal(c.notify.secretRef, undefined);
    }
    assert.equal(services.worker!.environment.ONRAMP_MAX_CACHED_WORKFLOWS, '');
    assert.equal(
      services['codec-server']!.environment.ONRAMP_CODEC_SERVER_OIDC_ISSUER,
      'https://login.example.com/realms/onramp'
    );
  });

  it("the Dockerfile's runtime stage runs node as a non-root user", () => {
    const text = readFileSync(join(repo, 'Dockerfile'), 'utf8');
    const rt = dockerfileRuntime(text);
    assert.deepEqual(rt.cmd, ['node', '--optimize-for-size', 'dist/worker.js']);
    const last = text.split(/^FROM\s/m).pop() ?? '';
    assert.match(last, /^node:22/);
    assert.match(last, /^USER node$/m);
    assert.doesNotMatch(last, /tsx|npx/);
  });
});
