import { z } from 'zod';
import { INTEGRATIONS, orderSchema } from '../domain/customer-onboarding-schema';

/** The published contract of the intake API; the order schema is generated from the same zod schema that validates. */
export function openApiDocument(): Record<string, unknown> {
  const order = z.toJSONSchema(orderSchema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  delete order.$schema;
  const problem = {
    type: 'object',
    properties: {
      error: { type: 'string' },
      message: { type: 'string' },
      problems: { type: 'array', items: { type: 'string' } },
    },
  };
  const accepted = {
    type: 'object',
    required: ['orderId', 'workflowId', 'statusUrl'],
    properties: { orderId: { type: 'string' }, workflowId: { type: 'string' }, statusUrl: { type: 'string' } },
  };
  const orderIdParam = { name: 'orderId', in: 'path', required: true, schema: { type: 'string' } };
  const action = (summary: string, body?: Record<string, unknown>) => ({
    post: {
      summary,
      parameters: [orderIdParam],
      ...(body ? { requestBody: { content: { 'application/json': { schema: body } } } } : {}),
      responses: {
        '202': { description: 'accepted' },
        '404': { description: 'no such order' },
        '409': { description: 'not possible in the current state' },
      },
    },
  });
  const integration = {
    type: 'object',
    required: ['integration'],
    properties: { integration: { enum: [...INTEGRATIONS] } },
  };
  return {
    openapi: '3.1.0',
    info: {
      title: 'Onramp intake API',
      version: '1.0.0',
      description: 'Start and steer customer onboardings from a sales system.',
    },
    components: {
      schemas: { Order: order, Accepted: accepted, Problem: problem },
      securitySchemes: {
        hmac: {
          type: 'apiKey',
          in: 'header',
          name: 'X-Onramp-Signature',
          description:
            't=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>; 5-minute window; replays refused',
        },
        bearer: { type: 'http', scheme: 'bearer' },
      },
    },
    security: [{ hmac: [] }, { bearer: [] }],
    paths: {
      '/v1/onboardings': {
        post: {
          summary: 'Start the onboarding of an order (idempotent on orderId)',
          requestBody: {
            required: true,
            content: { 'application/json': { schema: { $ref: '#/components/schemas/Order' } } },
          },
          responses: {
            '202': {
              description: 'accepted (also for a resend of the same order)',
              content: { 'application/json': { schema: { $ref: '#/components/schemas/Accepted' } } },
            },
            '400': {
              description: 'invalid order: every bad field named',
              content: { 'application/json': { schema: { $ref: '#/components/schemas/Problem' } } },
            },
            '401': { description: 'not authenticated' },
            '409': { description: 'the order ID was used for a different order' },
            '413': { description: 'body too large' },
          },
        },
      },
      '/v1/onboardings/{orderId}': {
        get: {
          summary: 'Aggregated status of an order and its integrations',
          parameters: [orderIdParam],
          responses: { '200': { description: 'status' }, '404': { description: 'no such order' } },
        },
      },
      '/v1/onboardings/{orderId}/actions/check-now': action('"Granted, check now" for the Google delegation'),
      '/v1/onboardings/{orderId}/actions/retry': action('Retry one failed integration', integration),
      '/v1/onboardings/{orderId}/actions/abandon': action('Give up on one failed integration', integration),
      '/v1/onboardings/{orderId}/actions/cancel': action('Cancel the whole onboarding'),
      '/v1/onboardings/{orderId}/actions/offboard': action(
        'Offboard the customer: remove what the (finished or cancelled) onboarding set up, in reverse order'
      ),
      '/v1/onboardings/{orderId}/actions/supply-credential': action(
        'Supply a credential to autotask or connectwise: the secret as a reference in the credential, or (with a secret store, ONRAMP_SECRET_STORE_URL) as `secret`, stored encrypted and handed to the workflow as a store: reference',
        {
          type: 'object',
          required: ['integration', 'credential'],
          properties: {
            integration: { enum: ['autotask', 'connectwise'] },
            credential: { type: 'object' },
            secret: {
              type: 'string',
              minLength: 1,
              maxLength: 16384,
              description:
                'The Autotask secret or ConnectWise private key itself; 409 no_secret_store when the intake has no secret store',
            },
          },
        }
      ),
    },
  };
}
