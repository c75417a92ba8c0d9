/**
 * Browser check of the codec server (not part of `npm test`: it needs Debian's chromium):
 * a dev server whose Web UI is wired to the codec server, one workflow started with an encrypted input,
 * then headless Chromium (DevTools protocol) loads the workflow page; the decoded input must render.
 *
 *   tsx scripts/browser-check.ts [docs/codec-ui-decoded.png]
 */
// @ts-nocheck

import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { WebSocket } from 'undici';
import { Client, Connection } from '@temporalio/client';
import { createDataConverter, EncryptionCodec, keyRing } from '../src/codec';
import { createCodecServer } from '../src/codec-server';
import { startLocalTemporal } from '../src/sandbox/temporal-server';
import { ensureTemporalCli } from '../src/temporal/cli-binary';

const CHROMIUM = process.env.CHROMIUM ?? 'chromium';
const PORT = Number(process.env.BROWSER_CHECK_PORT ?? 7299);
const UI_PORT = PORT + 1000;

/** All text of the page, shadow roots included (the UI renders payloads in a code-viewer web component). */
const PAGE_TEXT = `(() => {
  const out = [];
  const walk = (n) => {
    if (n.nodeType === 3) out.push(n.nodeValue);
    if (n.shadowRoot) walk(n.shadowRoot);
    for (const c of n.childNodes) walk(c);
  };
  if (document.body) walk(document.body);
  return out.join(' ');
})()`;

interface PageCheck {
  found: boolean;
  text: string;
  /** Requests the page sent to URLs starting with `watch` (method, URL, Authorization header, status). */
  watched: WatchedRequest[];
}

export interface WatchedRequest {
  method: string;
  url: string;
  authorization?: string;
  status?: number;
}

/** Drive headless Chromium over the DevTools protocol: open `url`, wait until `marker` renders, screenshot. */
export async function checkPage(
  chromium: string,
  profileDir: string,
  url: string,
  marker: string,
  screenshot: string,
  timeoutMs = 60_000,
  watch?: string,
  chromiumArgs: string[] = []
): Promise<PageCheck> {
  const child = spawn(
    chromium,
    [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-dev-shm-usage',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      `--user-data-dir=${profileDir}`,
      '--window-size=1400,1000',
      '--remote-debugging-port=0',
      ...chromiumArgs,
      'about:blank',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] }
  );
  try {
    const browserWs = await new Promise<string>((resolve, reject) => {
      let buf = '';
      const t = setTimeout(() => reject(new Error('chromium did not start')), 30_000);
      child.stderr.on('data', (b: Buffer) => {
        buf += b.toString();
        const m = /DevTools listening on (ws:\/\/\S+)/.exec(buf);
        if (m?.[1]) {
          clearTimeout(t);
          resolve(m[1]);
        }
      });
      child.once('exit', () => reject(new Error('chromium exited')));
    });
    const port = new URL(browserWs).port;
    const targets = (await (await fetch(`http://127.0.0.1:${port}/json/list`)).json()) as {
      type: string;
      webSocketDebuggerUrl: string;
    }[];
    const page = targets.find((t) => t.type === 'page');
    if (!page) throw new Error('no page target');
    const ws = new WebSocket(page.webSocketDebuggerUrl);
    await new Promise((r, j) => {
      ws.onopen = r;
      ws.onerror = j;
    });
    let id = 0;
    const pending = new Map<number, (v: unknown) => void>();
    const watched = new Map<string, WatchedRequest>();
    ws.onmessage = (ev) => {
      const msg = JSON.parse(String(ev.data)) as {
        id?: number;
        result?: unknown;
        method?: string;
        params?: {
          requestId: string;
          request?: { method: string; url: string; headers: Record<string, string> };
          response?: { status: number };
        };
      };
      if (msg.id && pending.has(msg.id)) {
        pending.get(msg.id)?.(msg.result);
        pending.delete(msg.id);
      }
      const p = msg.params;
      if (watch && p && msg.method === 'Network.requestWillBeSent' && p.request?.url.startsWith(watch)) {
        const h = Object.fromEntries(Object.entries(p.request.headers).map(([k, v]) => [k.toLowerCase(), v]));
        watched.set(p.requestId, { method: p.request.method, url: p.request.url, authorization: h.authorization });
      }
      if (p && msg.method === 'Network.responseReceived' && watched.has(p.requestId))
        watched.get(p.requestId)!.status = p.response?.status;
    };
    const send = <T>(method: string, params: object = {}) =>
      new Promise<T>((r) => {
        const n = ++id;
        pending.set(n, r as (v: unknown) => void);
        ws.send(JSON.stringify({ id: n, method, params }));
      });
    await send('Page.enable');
    if (watch) await send('Network.enable');
    await send('Page.navigate', { url });
    const deadline = Date.now() + timeoutMs;
    let text = '';
    while (Date.now() < deadline) {
      const r = await send<{ result: { value?: string } }>('Runtime.evaluate', {
        expression: PAGE_TEXT,
        returnByValue: true,
      });
      text = r.result.value ?? '';
      if (text.includes(marker)) break;
      await new Promise((res) => setTimeout(res, 500));
    }
    await new Promise((res) => setTimeout(res, 1000));
    const shot = await send<{ data: string }>('Page.captureScreenshot', { format: 'png' });
    writeFileSync(screenshot, Buffer.from(shot.data, 'base64'));
    ws.close();
    return { found: text.includes(marker), text, watched: [...watched.values()] };
  } finally {
    child.kill('SIGTERM');
  }
}

async function main(): Promise<number> {
  const screenshot = resolve(process.argv[2] ?? 'docs/codec-ui-decoded.png');
  mkdirSync(dirname(screenshot), { recursive: true });
  const tmp = mkdtempSync(join(tmpdir(), 'onramp-browser-'));
  const codec = new EncryptionCodec(keyRing([{ id: 'browser-check', key: randomBytes(32) }]));
  const uiOrigin = `http://localhost:${UI_PORT}`;
  const codecServer = createCodecServer({
    codec,
    allowedOrigins: [uiOrigin, `http://127.0.0.1:${UI_PORT}`],
    namespaces: ['default'],
  });
  // What the browser asked of the codec server, as evidence the UI really went through it.
  const calls: string[] = [];
  codecServer.app.addHook('onResponse', async (req, reply) => {
    calls.push(`${req.method} ${req.url} ${reply.statusCode} origin=${req.headers.origin ?? '-'}`);
  });
  const codecUrl = await codecServer.listen(0);
  const exe = await ensureTemporalCli();
  if (exe.type !== 'existing-path') throw new Error('needs a Temporal CLI binary (see npm run temporal:cli)');
  const temporal = await startLocalTemporal({
    cliPath: exe.path,
    dbFile: join(tmp, 'temporal.db'),
    port: PORT,
    uiPort: UI_PORT,
    namespace: 'default',
    codecEndpoint: codecUrl,
  });
  const marker = `decoded-by-codec-server-${randomBytes(4).toString('hex')}`;
  try {
    const connection = await Connection.connect({ address: temporal.address });
    const client = new Client({ connection, dataConverter: createDataConverter(codec) });
    // No worker: the input is in the start event, which is all the page needs to show.
    const handle = await client.workflow.start('googleDelegationOnboarding', {
      taskQueue: 'browser-check',
      workflowId: `browser-check-${randomBytes(4).toString('hex')}`,
      args: [{ customer: { domain: 'acme.example' }, note: marker, keyRef: 'file:/etc/onramp/secrets/atera-sa.json' }],
    });
    const raw = Buffer.from(
      JSON.stringify(await new Client({ connection }).workflow.getHandle(handle.workflowId).fetchHistory())
    ).toString();
    if (raw.includes(marker)) throw new Error('the input is in clear in history: the codec is not applied');
    const url = `${uiOrigin}/namespaces/default/workflows/${handle.workflowId}/${handle.firstExecutionRunId}/history`;
    // The UI renders client-side and keeps connections open, so `--dump-dom` (even with a virtual time
    // budget) never sees the decoded input: drive the page over the DevTools protocol instead.
    const { found: decoded } = await checkPage(CHROMIUM, join(tmp, 'profile'), url, marker, screenshot);
    process.stdout.write(
      `${url}\n  codec server ${codecUrl}: decoded input ${decoded ? 'FOUND' : 'NOT found'} in the Web UI DOM\n  codec server calls: ${calls.join('; ') || 'none'}\n  screenshot ${screenshot}\n`
    );
    await client.workflow.getHandle(handle.workflowId).terminate('browser check done');
    await connection.close();
    return decoded ? 0 : 1;
  } finally {
    await codecServer.close();
    await temporal.stop();
    rmSync(tmp, { recursive: true, force: true });
  }
}

if (require.main === module)
  main().then(
    (code) => process.exit(code),
    (err: unknown) => {
      process.stderr.write(`browser-check: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exit(1);
    }
  );
