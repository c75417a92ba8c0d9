import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createConnection, createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { expectRows, finalRows } from '../scripts/proof/report';
import { appendRow } from '../scripts/proof/table';
import { startTcpProxy } from '../scripts/proof/tcp-proxy';

/** One round trip through `address`: the echo, or the error that ended the connection first. */
function echo(address: string, text: string): Promise<string> {
  const [host, port] = address.split(':');
  return new Promise((resolve) => {
    const s = createConnection({ host, port: Number(port) });
    let got = '';
    s.on('data', (d) => {
      got += d.toString();
      if (got === text) {
        s.end();
        resolve(got);
      }
    });
    s.on('error', (e) => resolve(`error: ${e.message}`));
    s.on('close', () => resolve(got || 'closed'));
    s.write(text);
  });
}

describe('the production proof: its TCP proxy (partition-worker) and its outcome table', () => {
  it(
    'passes bytes, cuts open connections, refuses new ones while cut, passes again once healed',
    { timeout: 15_000 },
    async () => {
      const held: Socket[] = [];
      const upstream = createServer((s) => {
        held.push(s);
        s.pipe(s);
      });
      await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', () => r()));
      const port = (upstream.address() as { port: number }).port;
      const proxy = await startTcpProxy(`127.0.0.1:${port}`);
      try {
        assert.equal(await echo(proxy.address, 'hello'), 'hello');
        // A long-lived connection (a poller, a pooled database connection) is dropped by the cut.
        const [h, p] = proxy.address.split(':');
        const open = createConnection({ host: h, port: Number(p) });
        open.on('error', () => undefined);
        await new Promise<void>((r) => open.once('connect', () => r()));
        await new Promise((r) => setTimeout(r, 50));
        const closed = new Promise<void>((r) => open.once('close', () => r()));
        proxy.cut();
        await closed;
        assert.equal(proxy.stats.cut, 1);
        assert.notEqual(await echo(proxy.address, 'again'), 'again');
        assert.equal(proxy.stats.refused, 1);
        proxy.heal();
        assert.equal(await echo(proxy.address, 'healed'), 'healed');
        assert.equal(proxy.stats.accepted, 3);
      } finally {
        for (const s of held) s.destroy();
        await proxy.close();
        await new Promise<void>((r) => upstream.close(() => r()));
      }
    }
  );

  it('fails on a FAILED row and on a registered row no phase reported', () => {
    const dir = mkdtempSync(join(tmpdir(), 'onramp-proof-rows-'));
    try {
      const file = join(dir, 'rows.jsonl');
      expectRows(file, ['kill-worker', 'restart-temporal']);
      appendRow(file, { row: 'kill-worker', ok: true, figures: { recoverySeconds: 12.3 } });
      let out = finalRows(file);
      assert.equal(out.ok, false);
      assert.deepEqual(
        out.rows.map((r) => `${r.row} ${r.ok}`),
        ['kill-worker true', 'restart-temporal false']
      );
      assert.match(out.rows[1]!.detail ?? '', /missing/);
      appendRow(file, { row: 'restart-temporal', ok: true, figures: {} });
      assert.equal(finalRows(file).ok, true);
      appendRow(file, { row: 'fairness', ok: false, figures: {}, detail: 'p99 ratio 1.5' });
      out = finalRows(file);
      assert.equal(out.ok, false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
