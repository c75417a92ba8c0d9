// @ts-nocheck
import { DefaultLogger, makeTelemetryFilterString, Runtime, type LogLevel } from '@temporalio/worker';
import type { Logger } from '../logger';

let installed = false;

export interface RuntimeOptions {
  /** host:port for a Prometheus `/metrics` endpoint fed by the SDK's core (task latencies, slots, polls, …). */
  metricsBindAddress?: string;
}

/**
 * Route the SDK's own logs (worker, core, workflow `log`) into pino, once per process and before any
 * Worker or NativeConnection exists; optionally expose the runtime's metrics to Prometheus.
 */
export function installRuntime(logger: Logger, level: LogLevel = 'INFO', opts: RuntimeOptions = {}): void {
  if (installed) return;
  installed = true;
  const toPino: Record<LogLevel, (obj: object, msg: string) => void> = {
    TRACE: (o, m) => logger.trace(o, m),
    DEBUG: (o, m) => logger.debug(o, m),
    INFO: (o, m) => logger.info(o, m),
    WARN: (o, m) => logger.warn(o, m),
    ERROR: (o, m) => logger.error(o, m),
  };
  Runtime.install({
    logger: new DefaultLogger(level, (entry) => toPino[entry.level](entry.meta ?? {}, entry.message)),
    telemetryOptions: {
      logging: { forward: {}, filter: makeTelemetryFilterString({ core: 'WARN', other: 'WARN' }) },
      ...(opts.metricsBindAddress
        ? // Seconds and _total suffixes: the Prometheus naming conventions dashboards expect.
          {
            metrics: {
              prometheus: {
                bindAddress: opts.metricsBindAddress,
                useSecondsForDurations: true,
                countersTotalSuffix: true,
                unitSuffix: true,
              },
            },
          }
        : {}),
    },
  });
}
