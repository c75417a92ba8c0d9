/**
 * docker-compose.yml resolved as `docker compose config` would, for the services scripts/prod-proof.sh
 * runs as processes: YAML anchors and merge keys (`<<: *x`, by the `yaml` package), then interpolation of
 * every string with the documented rules (https://docs.docker.com/compose/how-tos/environment-variables/
 * variable-interpolation/): `${VAR}`, `$VAR`, `${VAR:-default}` (unset or empty), `${VAR-default}` (unset),
 * `${VAR:?message}` / `${VAR?message}` (error), `${VAR:+alt}` / `${VAR+alt}`, and `$$` for a literal `$`.
 * Variables come from the shell environment first, then the `.env` file beside the compose file.
 * A service without `command` runs the image's CMD, taken from the Dockerfile's last stage.
 */
// @ts-nocheck

import { readFileSync } from 'node:fs';
import { parse } from 'yaml';

export class ComposeError extends Error {}

/** A `.env` file: KEY=VALUE lines, `#` comments, optional single or double quotes. */
export function parseDotEnv(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const m = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$/.exec(line);
    if (!m) throw new ComposeError(`.env: cannot read line ${JSON.stringify(raw)}`);
    let v = m[2]!;
    if (/^'.*'$/.test(v)) v = v.slice(1, -1);
    else if (/^".*"$/.test(v)) v = v.slice(1, -1).replace(/\\n/g, '\n').replace(/\\"/g, '"');
    else v = v.replace(/\s+#.*$/, '');
    out[m[1]!] = v;
  }
  return out;
}

const NAME = '[A-Za-z_][A-Za-z0-9_]*';
const TOKEN = new RegExp(`\\$\\$|\\$\\{(${NAME})(?:(:?[-?+])((?:[^{}]|\\{[^{}]*\\})*))?\\}|\\$(${NAME})`, 'g');

/** Interpolate one string; `where` names it in errors. */
export function interpolate(value: string, vars: Record<string, string | undefined>, where = 'value'): string {
  return value.replace(TOKEN, (whole, braced?: string, op?: string, arg?: string, bare?: string) => {
    if (whole === '$$') return '$';
    const name = (braced ?? bare)!;
    const v = vars[name];
    const unset = v === undefined;
    const empty = unset || v === '';
    switch (op) {
      case undefined:
        return v ?? '';
      case ':-':
        return empty ? interpolate(arg ?? '', vars, where) : v;
      case '-':
        return unset ? interpolate(arg ?? '', vars, where) : v;
      case ':?':
      case '?':
        if (op === ':?' ? empty : unset) {
          throw new ComposeError(`${where}: required variable ${name} is missing a value: ${arg ?? ''}`);
        }
        return v!;
      case ':+':
        return empty ? '' : interpolate(arg ?? '', vars, where);
      case '+':
        return unset ? '' : interpolate(arg ?? '', vars, where);
      default:
        throw new ComposeError(`${where}: invalid interpolation ${whole}`);
    }
  });
}

function interpolateDeep(node: unknown, vars: Record<string, string | undefined>, where: string): unknown {
  if (typeof node === 'string') return interpolate(node, vars, where);
  if (Array.isArray(node)) return node.map((n, i) => interpolateDeep(n, vars, `${where}[${i}]`));
  if (node && typeof node === 'object') {
    return Object.fromEntries(
      Object.entries(node).map(([k, v]) => [k, interpolateDeep(v, vars, where ? `${where}.${k}` : k)])
    );
  }
  return node;
}

export interface ResolvedService {
  name: string;
  /** The process's argv: `command` (exec form), or the image's CMD. */
  command: string[];
  /** The environment compose hands the container (before the image's own ENV, which `imageEnv` holds). */
  environment: Record<string, string>;
  /** ENV of the image (Dockerfile's last stage) for services built from it. */
  imageEnv: Record<string, string>;
  volumes: string[];
  ports: string[];
  built: boolean;
  raw: Record<string, unknown>;
}

/** The last stage's CMD (exec form) and ENV of a Dockerfile. */
export function dockerfileRuntime(text: string): { cmd: string[]; env: Record<string, string> } {
  const joined = text.replace(/\\\n/g, ' ');
  const stages = joined.split(/^FROM\s/m);
  const last = stages[stages.length - 1] ?? '';
  let cmd: string[] = [];
  const env: Record<string, string> = {};
  for (const line of last.split('\n')) {
    const c = /^CMD\s+(\[.*\])\s*$/.exec(line.trim());
    if (c) cmd = JSON.parse(c[1]!) as string[];
    const e = /^ENV\s+(.*)$/.exec(line.trim());
    if (e)
      for (const m of e[1]!.matchAll(/([A-Za-z_][A-Za-z0-9_]*)=("[^"]*"|\S+)/g))
        env[m[1]!] = m[2]!.replace(/^"|"$/g, '');
  }
  return { cmd, env };
}

function envMap(env: unknown, vars: Record<string, string | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  if (Array.isArray(env)) {
    for (const e of env as string[]) {
      const i = e.indexOf('=');
      if (i < 0) {
        if (vars[e] !== undefined) out[e] = vars[e];
      } else out[e.slice(0, i)] = e.slice(i + 1);
    }
  } else if (env && typeof env === 'object') {
    for (const [k, v] of Object.entries(env)) {
      if (v === null || v === undefined) {
        if (vars[k] !== undefined) out[k] = vars[k];
      } else out[k] = typeof v === 'string' ? v : String(v as number | boolean);
    }
  }
  return out;
}

/** Resolve the compose file with the given shell environment and `.env` text. */
export function resolveCompose(opts: {
  composeText: string;
  dotEnvText?: string;
  shellEnv?: Record<string, string | undefined>;
  dockerfileText?: string;
}): Record<string, ResolvedService> {
  const vars = { ...parseDotEnv(opts.dotEnvText ?? ''), ...(opts.shellEnv ?? {}) };
  const doc = parse(opts.composeText, { merge: true, maxAliasCount: -1 }) as { services?: Record<string, unknown> };
  if (!doc?.services) throw new ComposeError('docker-compose.yml has no services');
  const image = opts.dockerfileText ? dockerfileRuntime(opts.dockerfileText) : { cmd: [], env: {} };
  const out: Record<string, ResolvedService> = {};
  for (const [name, rawService] of Object.entries(doc.services)) {
    const s = interpolateDeep(rawService, vars, `services.${name}`) as Record<string, unknown>;
    const built = s.build !== undefined;
    const command = Array.isArray(s.command)
      ? (s.command as unknown[]).map(String)
      : typeof s.command === 'string'
        ? s.command.split(/\s+/).filter(Boolean)
        : built
          ? image.cmd
          : [];
    out[name] = {
      name,
      command,
      environment: envMap(s.environment, vars),
      imageEnv: built ? image.env : {},
      volumes: ((s.volumes as unknown[]) ?? []).map(String),
      ports: ((s.ports as unknown[]) ?? []).map(String),
      built,
      raw: s,
    };
  }
  return out;
}

export function resolveComposeFiles(
  composePath: string,
  dotEnvPath: string | undefined,
  shellEnv: Record<string, string | undefined>,
  dockerfilePath?: string
): Record<string, ResolvedService> {
  return resolveCompose({
    composeText: readFileSync(composePath, 'utf8'),
    dotEnvText: dotEnvPath ? readFileSync(dotEnvPath, 'utf8') : '',
    shellEnv,
    dockerfileText: dockerfilePath ? readFileSync(dockerfilePath, 'utf8') : undefined,
  });
}
