import type { FastifyInstance } from 'fastify';
import { createIntakeServer, type IntakeServerOptions } from '../../src/intake/intake-server';

export interface RunningIntake {
  app: FastifyInstance;
  /** `http://127.0.0.1:PORT` */
  base: string;
  close(): Promise<void>;
}

/** The intake API on an ephemeral port of 127.0.0.1 (what every intake test file used to set up by hand). */
export async function listenIntake(options: IntakeServerOptions): Promise<RunningIntake> {
  const app = createIntakeServer(options);
  await app.listen({ port: 0, host: '127.0.0.1' });
  const addr = app.server.address();
  const base = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
  return { app, base, close: () => app.close() };
}
