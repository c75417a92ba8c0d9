// @ts-nocheck
import { Connection, type ConnectionOptions } from '@temporalio/client';
import { toClientOptions } from '@temporalio/envconfig';
import { NativeConnection, type NativeConnectionOptions } from '@temporalio/worker';
import type { TemporalSettings } from '../config';
import { registerSecret } from '../secrets/scrub';

/**
 * The one way every Onramp process (worker, intake, CLI, schedules, sandbox) reaches Temporal: the settings
 * src/config.ts resolved from the environment and the client config profile, turned into connection options
 * by the official `@temporalio/envconfig` (TLS with server CA / server name / client certificate pair, API
 * key, gRPC metadata), with the address Onramp settled on (it may be overridden, e.g. by the sandbox).
 */
export function temporalConnectionOptions(t: TemporalSettings): NativeConnectionOptions & ConnectionOptions {
  if (t.apiKey) registerSecret(t.apiKey);
  const { connectionOptions } = toClientOptions({
    address: t.address,
    namespace: t.namespace,
    ...(t.apiKey ? { apiKey: t.apiKey } : {}),
    ...(t.tls ? { tls: t.tls } : {}),
    ...(t.grpcMeta ? { grpcMeta: t.grpcMeta } : {}),
  });
  const opts: NativeConnectionOptions & ConnectionOptions = { address: t.address };
  if (connectionOptions.tls !== undefined) opts.tls = connectionOptions.tls;
  if (connectionOptions.apiKey !== undefined) opts.apiKey = connectionOptions.apiKey;
  if (connectionOptions.metadata !== undefined) opts.metadata = connectionOptions.metadata;
  return opts;
}

/** A client connection (intake, CLI, schedules, codec-aware clients). */
export function connectTemporal(t: TemporalSettings): Promise<Connection> {
  return Connection.connect(temporalConnectionOptions(t));
}

/** A worker connection. */
export function connectTemporalNative(t: TemporalSettings): Promise<NativeConnection> {
  return NativeConnection.connect(temporalConnectionOptions(t));
}

/** What the logs may say about the connection (never key material). */
export function describeConnection(t: TemporalSettings): Record<string, unknown> {
  return {
    address: t.address,
    namespace: t.namespace,
    tls: t.tls ? (t.tls.disabled ? 'off' : t.tls.clientCert ? 'mTLS' : 'on') : t.apiKey ? 'on (API key)' : 'off',
    apiKey: t.apiKey ? 'set' : undefined,
    source: t.source,
  };
}
