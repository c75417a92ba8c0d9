import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { UDFS, entityDef, fieldInformation, type EntityDef } from './catalog';
import { hourlyCount, type AutotaskLimits } from './autotask-door';
import { WEBHOOK_ENDPOINT, canonicalHook, errors, restPath, type AutotaskContext } from './autotask-rest';
import { deleteEntity, entityInformation, getEntity, query, writeEntity } from './routes/autotask-entity-routes';
import { createWebhook, deleteWebhook, updateWebhook, webhookChildRoute } from './routes/autotask-webhook-routes';

/** What the database-wide routes (zone information, thresholds) answer besides the records. */
export interface AutotaskSite {
  zoneName?: string;
  limits: AutotaskLimits;
  /** The simulator's own URL, known once it listens. */
  baseUrl(): string;
}

const unsupported = (reply: FastifyReply, method: string) =>
  errors(reply, 405, `The requested resource does not support http method '${method}'.`);

/**
 * Every REST path of the simulator, in any case (the real service ignores case in paths): VersionInformation,
 * zoneInformation, ThresholdInformation, then per entity (autotask-entity-routes.ts, autotask-webhook-routes.ts).
 */
export function registerAutotaskRest(app: FastifyInstance, ctx: AutotaskContext, site: AutotaskSite): void {
  const dispatch = async (req: FastifyRequest, reply: FastifyReply): Promise<unknown> => {
    const path = req.url.split('?')[0] ?? '';
    if (/^\/atservicesrest\/versioninformation\/?$/i.test(path) && req.method === 'GET')
      return { apiVersions: ['1.0'] };
    const rest = restPath(req.url);
    if (rest === undefined) return errors(reply, 404, `No route for ${req.method} ${path}.`);
    const seg = rest.split('/').filter(Boolean);
    const m = req.method;
    if (seg.length === 1 && /^zoneInformation$/i.test(seg[0]!) && m === 'GET') {
      const user = ctx.db.user((req.query as { user?: string }).user);
      // Autotask answers 500 (not 404) for a blank or unknown user.
      if (!user) return errors(reply, 500, 'Zone information could not be determined');
      return {
        zoneName: site.zoneName ?? 'Pre-Release',
        url: `${site.baseUrl()}/ATServicesRest/`,
        webUrl: `${site.baseUrl()}/`,
        ci: 0,
      };
    }
    if (seg.length === 1 && /^ThresholdInformation$/i.test(seg[0]!) && m === 'GET') {
      return {
        externalRequestThreshold: site.limits.hourlyLimit,
        requestThresholdTimeframe: Math.round(site.limits.hourMs / 60_000),
        currentTimeframeRequestCount: hourlyCount(site.limits),
      };
    }
    const entity = entityDef(seg[0] ?? '');
    if (!entity) return errors(reply, 404, `The requested resource ${seg[0] ?? ''} does not exist.`); // body: a guess
    return entityRoute(ctx, req, reply, entity, seg);
  };

  // VersionInformation: unauthenticated, above V1.0 (vendor-apis.md B2; Swagger ApiVersionsResultModel).
  app.get('/*', async (req, reply) => dispatch(req, reply));
  for (const method of ['POST', 'PUT', 'PATCH', 'DELETE'] as const) app.route({ method, url: '/*', handler: dispatch });
}

/** `{Entity}/...`: metadata, queries, writes, one record, webhook children. */
async function entityRoute(
  ctx: AutotaskContext,
  req: FastifyRequest,
  reply: FastifyReply,
  entity: EntityDef,
  seg: string[]
): Promise<unknown> {
  const m = req.method;
  const hookEntity = canonicalHook(WEBHOOK_ENDPOINT.exec(entity.name)?.[1] ?? '');
  const [, s1, s2, s3] = seg;
  const is = (s: string | undefined, name: string) => s?.toLowerCase() === name.toLowerCase();

  if (is(s1, 'entityInformation') && m === 'GET') {
    if (s2 === undefined) return entityInformation(ctx.db, req, entity);
    if (is(s2, 'fields') && s3 === undefined) return { fields: entity.fields.map(fieldInformation) };
    if (is(s2, 'userDefinedFields') && s3 === undefined)
      return { fields: entity.hasUserDefinedFields ? (UDFS[entity.name] ?? []) : [] };
  }
  if (is(s1, 'query') && (m === 'POST' || m === 'GET')) {
    if (s2 === undefined) return query(ctx.db, req, reply, entity, false);
    if (is(s2, 'count') && s3 === undefined) return query(ctx.db, req, reply, entity, true);
  }
  if (seg.length === 1 && (m === 'POST' || m === 'PATCH' || m === 'PUT')) {
    if (!(m === 'POST' ? entity.canCreate : entity.canUpdate)) return unsupported(reply, m);
    if (hookEntity) {
      return m === 'POST'
        ? createWebhook(ctx.db, req, reply, entity.name, hookEntity)
        : updateWebhook(ctx, req, reply, entity.name, hookEntity, m === 'PUT');
    }
    return writeEntity(ctx, req, reply, entity);
  }
  if (seg.length === 2 && /^\d+$/.test(s1!)) {
    const id = Number(s1);
    if (m === 'GET') return getEntity(ctx.db, req, reply, entity, id);
    if (m === 'DELETE') {
      if (!entity.canDelete) return unsupported(reply, 'DELETE');
      return hookEntity
        ? deleteWebhook(ctx, req, reply, entity.name, hookEntity, id)
        : deleteEntity(ctx.db, req, reply, entity.name, id);
    }
  }
  if (hookEntity && seg.length >= 3 && /^\d+$/.test(s1!)) {
    const answer = await webhookChildRoute(ctx.db, req, reply, entity.name, hookEntity, [s1, s2, s3]);
    if (answer !== undefined) return answer;
  }
  return unsupported(reply, m);
}
