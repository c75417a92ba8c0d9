/** The intake service's settings live with every other variable in src/config.ts (one schema, one table in docs/configuration.md). */
export { loadIntakeConfig, type IntakeConfig } from '../config';
