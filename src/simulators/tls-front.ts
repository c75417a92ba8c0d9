import net from 'node:net';
import tls from 'node:tls';
import { generate } from 'selfsigned';

/**
 * A TLS terminator on loopback in front of a simulator's plain-HTTP port (connectwise-rest speaks https only),
 * with a throwaway self-signed certificate for 127.0.0.1 unless one is given. Tests and the sandbox trust `ca`.
 */
export interface TlsFront {
  /** host:port of the TLS side. */
  host: string;
  /** The certificate (PEM) to trust. */
  ca: string;
  close(): Promise<void>;
}

export async function tlsFront(target: string, pems?: { key: string; cert: string }): Promise<TlsFront> {
  const { key, cert } = pems ?? (await selfSignedLoopback());
  const port = Number(new URL(target).port);
  const open = new Set<net.Socket>();
  const server = tls.createServer({ key, cert }, (client) => {
    const upstream = net.connect(port, '127.0.0.1');
    open.add(client).add(upstream);
    client.on('close', () => open.delete(client));
    upstream.on('close', () => open.delete(upstream));
    client.pipe(upstream).pipe(client);
    const end = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('error', end);
    upstream.on('error', end);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const addr = server.address() as net.AddressInfo;
  return {
    host: `127.0.0.1:${addr.port}`,
    ca: cert,
    close: () =>
      new Promise<void>((r) => {
        server.close(() => r());
        for (const sock of open) sock.destroy(); // keep-alive connections of the client's agent
      }),
  };
}

async function selfSignedLoopback(): Promise<{ key: string; cert: string }> {
  const pems = await generate([{ name: 'commonName', value: '127.0.0.1' }], {
    keySize: 2048,
    extensions: [{ name: 'subjectAltName', altNames: [{ type: 7, ip: '127.0.0.1' }] }],
  });
  return { key: pems.private, cert: pems.cert };
}
