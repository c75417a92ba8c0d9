// @ts-nocheck
import { MemoryLimiterStore } from './limiter-memory';
import { PostgresLimiterStore } from './limiter-postgres';
import type { LimiterSettings, LimiterStore } from './limiter-store';

export type { LimiterSettings, LimiterStore } from './limiter-store';
export { MemoryLimiterStore } from './limiter-memory';
export { PostgresLimiterStore } from './limiter-postgres';

/** The store every vendor limiter of one worker uses: PostgreSQL when configured (shared by all workers), else this process. */
export function createLimiterStore(settings: LimiterSettings = {}): LimiterStore {
  return settings.postgresUrl
    ? new PostgresLimiterStore(settings.postgresUrl, { tablePrefix: settings.tablePrefix })
    : new MemoryLimiterStore();
}
