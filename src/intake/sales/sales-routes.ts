/**
 * `POST /v1/sales/<system>`: the sales systems' door of the intake. No bearer token or Onramp HMAC here: each
 * receiver verifies its sender the way the vendor documents. A refusal answers 4xx and starts nothing; once
 * every event of the request is handed to its deal's workflow, the sender gets the receiver's acknowledgement
 * (a failure before that answers 5xx, so the sender redelivers, which is idempotent).
 */
import type { Client } from '@temporalio/client';
import type { FastifyInstance } from 'fastify';
import type { OnrampConfig } from '../../config';
import type { SalesSystem } from '../../contract/sales-messages';
import type { Logger } from '../../logger';
import type { SalesMappingV1 } from '../../rules/sales-mapping-rules';
import { deliverSalesEvent } from '../../services/sales-deals';
import { SalesRefusal, type SalesReceiver } from './sales-receiver';

export interface SalesRoutesOptions {
  client: Client;
  config: Pick<OnrampConfig, 'temporal'>;
  mapping: Pick<SalesMappingV1, 'won'>;
  receivers: Partial<Record<SalesSystem, SalesReceiver>>;
  logger?: Logger;
  /** The clock (tests move it). */
  now?: () => Date;
}

export const SALES_PATH_PREFIX = '/v1/sales/';

export function registerSalesRoutes(app: FastifyInstance, opts: SalesRoutesOptions): void {
  void app.register(async (sales) => {
    // Every content type (HubSpot JSON, Salesforce SOAP XML, ConnectWise JSON), as bytes: signatures cover them.
    sales.removeAllContentTypeParsers();
    sales.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));
    sales.post('/v1/sales/:system', async (req, reply) => {
      const receivedAt = opts.now?.() ?? new Date();
      const { system } = req.params as { system: string };
      const receiver = opts.receivers[system as SalesSystem];
      if (!receiver)
        return reply.code(404).send({
          error: 'not_found',
          message: `no ${system} receiver here: add systems.${system} to the sales mapping (ONRAMP_SALES_MAPPING)`,
        });
      const request = {
        method: req.method,
        url: req.raw.url ?? req.url,
        headers: req.headers,
        rawBody: Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0),
        receivedAt,
      };
      let events;
      try {
        events = await receiver.receive(request);
      } catch (err) {
        if (!(err instanceof SalesRefusal)) throw err;
        opts.logger?.warn({ system, reason: err.reason }, 'sales event refused');
        return reply.code(err.status).send({ error: err.reason, message: err.message });
      }
      const delivered = await Promise.all(
        events.map((e) => deliverSalesEvent(opts.client, opts.config, opts.mapping, e))
      );
      opts.logger?.info(
        { system, events: delivered.map((d) => `${d.workflowId}:${d.delivery}`) },
        'sales events handed to their deals'
      );
      const ack = receiver.acknowledge(events, request);
      return reply.code(ack.status).type(ack.contentType).send(ack.body);
    });
  });
}
