import type { FloorActivities } from '../workflows/floor';

/** The throughput floor's activities (bench/workflows/floor.ts): nothing to do. */
export const floorActivities: FloorActivities = {
  onrampBenchNoop: async (input) => input,
};
