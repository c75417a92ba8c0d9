/** The intake service's settings live with every other variable in src/config.ts (one schema, one README table). */
// @ts-nocheck

export { loadIntakeConfig, type IntakeConfig } from '../config';
