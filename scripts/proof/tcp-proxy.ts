/**
 * A TCP proxy the production proof controls (node:net), for the `partition-worker` fault: one worker reaches the
 * Temporal server and PostgreSQL only through one of these. `cut()` destroys every open connection and refuses
 * new ones (accepted, then destroyed at once, as a dropped route looks to a client) until `heal()`. It counts
 * what it did, so the proof can show the cut happened: connections cut, connections refused.
 */
import { createConnection, createServer, type Socket } from 'node:net';

export interface TcpProxy {
  /** host:port to give the client instead of the target's. */
  address: string;
  target: string;
  stats: { accepted: number; cut: number; refused: number };
  cut(): void;
  heal(): void;
  close(): Promise<void>;
}

export async function startTcpProxy(target: string): Promise<TcpProxy> {
  const i = target.lastIndexOf(':');
  const host = target.slice(0, i);
  const port = Number(target.slice(i + 1));
  const open = new Set<Socket>();
  const stats = { accepted: 0, cut: 0, refused: 0 };
  let down = false;
  const server = createServer((client) => {
    if (down) {
      stats.refused++;
      client.destroy();
      return;
    }
    stats.accepted++;
    const upstream = createConnection({ host, port });
    const pair = [client, upstream];
    for (const s of pair) {
      open.add(s);
      s.setNoDelay(true);
      // Either side ending or failing ends both: a half-open pair would look like a healthy, silent link.
      s.once('close', () => {
        open.delete(s);
        for (const o of pair) o.destroy();
      });
      s.on('error', () => undefined);
    }
    client.pipe(upstream);
    upstream.pipe(client);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const addr = server.address();
  if (!addr || typeof addr === 'string') throw new Error('tcp proxy: no port');
  return {
    address: `127.0.0.1:${addr.port}`,
    target,
    stats,
    cut() {
      down = true;
      // Count client-side connections (each pair is two sockets).
      stats.cut += Math.ceil(open.size / 2);
      for (const s of [...open]) s.destroy();
    },
    heal() {
      down = false;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of [...open]) s.destroy();
        server.close(() => resolve());
      }),
  };
}
