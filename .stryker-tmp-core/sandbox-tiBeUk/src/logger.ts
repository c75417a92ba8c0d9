// @ts-nocheck
import pino, { type DestinationStream, type Logger as PinoLogger } from 'pino';
import { scrubSecrets } from './secrets/scrub';

/**
 * Field paths that can carry a secret anywhere in Onramp's structured logs. pino's `*` matches exactly
 * one segment and there is no deep wildcard, so nested positions are listed explicitly; strings that
 * embed secrets are handled by the scrubber in the serializers below.
 */
const SECRET_KEYS = [
  'secret',
  'secretKey',
  'privateKey',
  'private_key',
  'password',
  'apiSecret',
  'token',
  'accessToken',
  'access_token',
  'assertion',
  'authorization',
  'Authorization',
  'key',
  'keyJson',
];
export const REDACT_PATHS = [
  ...SECRET_KEYS,
  ...SECRET_KEYS.map((k) => `*.${k}`),
  ...SECRET_KEYS.map((k) => `*.*.${k}`),
  'headers["x-api-key"]',
  'req.headers.authorization',
  'req.headers["x-onramp-signature"]',
  'req.headers["x-hook-signature"]',
];

function scrubError(err: unknown): unknown {
  const s = pino.stdSerializers.err(err as Error) as unknown as Record<string, unknown>;
  if (typeof s.message === 'string') s.message = scrubSecrets(s.message);
  if (typeof s.stack === 'string') s.stack = scrubSecrets(s.stack);
  // Library errors (gaxios, undici) carry request config and bodies: never log those.
  delete s.config;
  delete s.response;
  delete s.request;
  return s;
}

export interface LoggerOptions {
  level?: string;
  format?: 'json' | 'pretty';
  name?: string;
  /** Write here instead of stdout (tests read what would be logged). */
  destination?: DestinationStream;
}

export function createLogger(opts: LoggerOptions = {}): PinoLogger {
  const options: pino.LoggerOptions = {
    name: opts.name ?? 'onramp',
    level: opts.level ?? 'info',
    redact: { paths: REDACT_PATHS, censor: '[REDACTED]' },
    serializers: { err: scrubError, error: scrubError },
    hooks: {
      // Scrub the message string itself: it is the field people interpolate values into.
      logMethod(args, method) {
        const scrubbed = args.map((a) => (typeof a === 'string' ? scrubSecrets(a) : a)) as Parameters<typeof method>;
        method.apply(this, scrubbed);
      },
    },
    ...(opts.format === 'pretty'
      ? {
          transport: {
            target: 'pino-pretty',
            options: { colorize: true, translateTime: 'HH:MM:ss', ignore: 'pid,hostname' },
          },
        }
      : {}),
  };
  return opts.destination ? pino(options, opts.destination) : pino(options);
}

export type Logger = PinoLogger;
