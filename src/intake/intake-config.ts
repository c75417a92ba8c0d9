/** The intake service's settings live with every other variable in src/config.ts (one schema, one README table). */
export { loadIntakeConfig, type IntakeConfig } from '../config';
