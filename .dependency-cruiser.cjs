// @ts-check
/**
 * Onramp's layers, checked in CI (`npm run deps`). Arrows point down only:
 *
 *   entry points   worker.ts, client.ts, intake/, cli/, codec-server/, checklist-page/, sandbox/
 *   services       services/            client-side: start and steer workflows through a Temporal Client
 *   workflows      workflows/           deterministic orchestration; activities by *type* only
 *   activities     activities/<vendor>/ one vendor API each
 *   simulators     simulators/          HTTP fakes of the vendors (tests and the sandbox)
 *   platform       checklist/, codec/, secrets/, temporal/, webhooks/, config.ts, logger.ts, postgres-schema.ts
 *   domain         domain/              validation at the door (zod)
 *   rules          rules/               pure, zod-free rules the workflows share with everyone
 *   contract       contract/            messages, status types, failure and patch registries: imports nothing of ours
 *
 * docs/architecture.md explains each layer and where a new vendor goes.
 */
const layer = {
  contract: '^src/contract/',
  rules: '^src/rules/',
  domain: '^src/domain/',
  platform: '^src/(checklist|codec|secrets|temporal|webhooks)/|^src/(config|logger|postgres-schema)\\.ts$',
  simulators: '^src/simulators/',
  activities: '^src/activities/',
  workflows: '^src/workflows/',
  services: '^src/services/',
  entry: '^src/(worker|client)\\.ts$|^src/(intake|cli|codec-server|checklist-page|sandbox)/',
};

/** What each layer may import from src/ besides itself. */
const allowedBelow = {
  contract: [],
  rules: ['contract'],
  domain: ['contract', 'rules'],
  platform: ['contract', 'rules', 'domain'],
  simulators: ['contract', 'rules', 'domain', 'platform'],
  activities: ['contract', 'rules', 'domain', 'platform'],
  // and activity *types* (proxyActivities<OnrampActivities>): the next rule keeps them types
  workflows: ['contract', 'rules', 'activities'],
  services: ['contract', 'rules', 'domain', 'platform'],
  entry: Object.keys(layer),
};

/** @type {import('dependency-cruiser').IForbiddenRuleType[]} */
const layerRules = Object.entries(allowedBelow)
  .filter(([name]) => name !== 'entry')
  .map(([name, allowed]) => ({
    name: `layer-${name}`,
    comment: `${name} may import only ${allowed.length ? allowed.join(', ') : 'nothing of src/ but itself'} (see the layer list at the top of .dependency-cruiser.cjs)`,
    severity: 'error',
    from: { path: layer[name] },
    to: {
      path: '^src/',
      pathNot: [layer[name], ...allowed.map((a) => layer[a])].join('|'),
    },
  }));

module.exports = {
  forbidden: [
    ...layerRules,
    {
      name: 'workflows-activities-by-type',
      comment: 'workflows reach activities through proxyActivities, importing their *types* only',
      severity: 'error',
      from: { path: layer.workflows },
      to: { path: layer.activities, dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'no-circular',
      comment: 'no import cycles, type-only ones included: a cycle is two modules that cannot be understood apart',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'no-sdk-internals',
      comment: "the SDK's lib/internal* modules are not public API and change without notice",
      severity: 'error',
      from: {},
      to: { path: '^node_modules/@temporalio/[^/]+/lib/internal' },
    },
    {
      name: 'src-not-to-dev',
      comment: 'runtime code never imports tests, scripts or benchmarks',
      severity: 'error',
      from: { path: '^src/' },
      to: { path: '^(test|scripts|bench)/' },
    },
    {
      name: 'no-zod-below-domain',
      comment:
        'contract, rules and workflows stay zod-free (zod in the workflow bundle costs megabytes per cached workflow)',
      severity: 'error',
      from: { path: [layer.contract, layer.rules, layer.workflows].join('|') },
      to: { path: '^node_modules/zod/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
    },
    exclude: { path: '^(dist|lib)/' },
  },
};
