// @ts-nocheck
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';

/**
 * The simulators' ADMIN API: what the humans of a guide do in the vendor's or the customer's web console
 * (a Google super admin clicks Authorize, an Autotask admin creates the API user, a ConnectWise admin
 * generates a key pair), as documented HTTP calls under `/_admin`, each simulator with its own OpenAPI
 * document at `/_admin/openapi.json` (checked in as docs/simulator-admin-openapi-<vendor>.json).
 *
 * Requests and responses are zod schemas: the same schema validates a request and becomes its JSON Schema
 * in the OpenAPI document (zod's own `toJSONSchema`), so the document cannot drift from what is enforced.
 * The admin API is never slowed, rate limited or faulted (src/simulators/http.ts exempts the prefix).
 */
export const ADMIN_PREFIX = '/_admin';

export class AdminError extends Error {
  constructor(
    readonly status: number,
    message: string
  ) {
    super(message);
  }
}

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface AdminOperation<B extends z.ZodType, Q extends z.ZodType, R extends z.ZodType> {
  method: Method;
  /** OpenAPI-style path below /_admin, e.g. `/api-users/{username}`. */
  path: string;
  operationId: string;
  summary: string;
  /** Who does this in real life, where (menu path), and which guide step it plays. */
  description: string;
  body?: B;
  query?: Q;
  response: R;
  /** Success status (default 200). */
  status?: number;
  /** Documented error statuses and when they happen. */
  errors?: Record<number, string>;
}

const errorSchema = z.object({ error: z.object({ status: z.number().int(), message: z.string() }) });

const jsonSchema = (s: z.ZodType, io: 'input' | 'output') => {
  const { $schema: _s, ...rest } = z.toJSONSchema(s, { io, unrepresentable: 'any' }) as Record<string, unknown>;
  return rest;
};

export class AdminApi {
  private readonly paths: Record<string, Record<string, unknown>> = {};

  constructor(
    private readonly app: FastifyInstance,
    private readonly info: { vendor: string; title: string; description: string }
  ) {
    app.get(`${ADMIN_PREFIX}/openapi.json`, async () => this.document());
  }

  /** Register one operation: Fastify route, request validation, and its OpenAPI entry. */
  operation<
    B extends z.ZodType = z.ZodUndefined,
    Q extends z.ZodType = z.ZodUndefined,
    R extends z.ZodType = z.ZodType,
  >(
    op: AdminOperation<B, Q, R>,
    handler: (input: { params: Record<string, string>; body: z.output<B>; query: z.output<Q> }) => Promise<z.input<R>>
  ): void {
    const fastifyPath = ADMIN_PREFIX + op.path.replace(/\{([^}]+)\}/g, ':$1');
    const status = op.status ?? 200;
    this.app.route({
      method: op.method,
      url: fastifyPath,
      handler: async (req, reply) => {
        const params = (req.params ?? {}) as Record<string, string>;
        const fail = (s: number, message: string) => reply.code(s).send({ error: { status: s, message } });
        const parse = (schema: z.ZodType | undefined, value: unknown, where: string) => {
          if (!schema) return { ok: true as const, value: undefined };
          const r = schema.safeParse(value ?? {});
          if (r.success) return { ok: true as const, value: r.data };
          const detail = r.error.issues.map((i) => `${[where, ...i.path].join('.')}: ${i.message}`).join('; ');
          return { ok: false as const, detail };
        };
        const body = parse(op.body, req.body, 'body');
        if (!body.ok) return fail(400, body.detail);
        const query = parse(op.query, req.query, 'query');
        if (!query.ok) return fail(400, query.detail);
        try {
          const result = await handler({ params, body: body.value as z.output<B>, query: query.value as z.output<Q> });
          return reply.code(status).send(result);
        } catch (err) {
          if (err instanceof AdminError) return fail(err.status, err.message);
          throw err;
        }
      },
    });

    const parameters = [
      ...[...op.path.matchAll(/\{([^}]+)\}/g)].map((m) => ({
        name: m[1],
        in: 'path',
        required: true,
        schema: { type: 'string' },
      })),
      ...(op.query && op.query instanceof z.ZodObject
        ? Object.entries(op.query.shape as Record<string, z.ZodType>).map(([name, s]) => ({
            name,
            in: 'query',
            required: !s.safeParse(undefined).success,
            schema: jsonSchema(s, 'input'),
          }))
        : []),
    ];
    const responses: Record<string, unknown> = {
      [String(status)]: {
        description: 'Success',
        content: { 'application/json': { schema: jsonSchema(op.response, 'input') } },
      },
    };
    for (const [code, why] of Object.entries({
      ...(op.body ? { 400: 'The request body is invalid.' } : {}),
      ...op.errors,
    })) {
      responses[code] = {
        description: why,
        content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
      };
    }
    const path = ADMIN_PREFIX + op.path;
    this.paths[path] ??= {};
    this.paths[path][op.method.toLowerCase()] = {
      operationId: op.operationId,
      summary: op.summary,
      description: op.description,
      ...(parameters.length ? { parameters } : {}),
      ...(op.body
        ? { requestBody: { required: true, content: { 'application/json': { schema: jsonSchema(op.body, 'input') } } } }
        : {}),
      responses,
    };
  }

  document(): Record<string, unknown> {
    return {
      openapi: '3.1.0',
      info: {
        title: this.info.title,
        version: '1',
        description: this.info.description,
      },
      servers: [{ url: '/', description: `the ${this.info.vendor} simulator (npm start prints its URL)` }],
      paths: this.paths,
      components: { schemas: { Error: jsonSchema(errorSchema, 'output') } },
    };
  }
}

/**
 * Keep a simulator's state in a JSON file, the same way the Google simulator keeps its tenant: loaded at
 * start, written after every request that may change it (any method but GET/HEAD) and when the simulator
 * closes. The file may hold sandbox vendor secrets (the simulator *is* the vendor), so it is 0600.
 */
export function persistState(
  app: FastifyInstance,
  file: string | undefined,
  snapshot: () => unknown,
  restore: (saved: unknown) => void
): { save(): void } {
  const save = () => {
    if (!file) return;
    mkdirSync(dirname(file), { recursive: true });
    const tmp = `${file}.tmp`;
    writeFileSync(tmp, JSON.stringify(snapshot(), null, 2), { mode: 0o600 });
    renameSync(tmp, file);
  };
  if (file && existsSync(file)) restore(JSON.parse(readFileSync(file, 'utf8')) as unknown);
  if (file) {
    app.addHook('onResponse', async (req) => {
      if (req.method !== 'GET' && req.method !== 'HEAD') save();
    });
    app.addHook('onClose', async () => save());
  }
  return { save };
}
