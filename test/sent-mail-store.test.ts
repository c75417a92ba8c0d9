import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startThrowawayPostgres, postgresAvailable, type ThrowawayPostgres } from '../bench/lib/postgres';
import {
  FileSentMailStore,
  PostgresSentMailStore,
  type SentMail,
  type SentMailStore,
} from '../src/activities/notify/sent-mail';

const sent = (messageId: string, recipient = 'admin@customer.example'): SentMail => ({
  messageId,
  workflowId: 'customer-onboarding:SO-1:googleDelegation',
  kind: 'awaiting-grant/instruction/admin',
  recipient,
  acceptedAt: new Date('2026-12-05T08:00:00Z').toISOString(),
  smtpResponse: '250 2.0.0 Ok: queued',
});

/** What every backend of the record must do: absent until written, then found by any process; first write wins. */
function contract(make: () => { a: SentMailStore; b: SentMailStore }): void {
  it('is empty for an unknown Message-ID, and a record written by one is read by the other', async () => {
    const { a, b } = make();
    const id = `<${Math.random().toString(36).slice(2)}.instruction@msp.example>`;
    assert.equal(await b.get(id), undefined);
    await a.record(sent(id));
    assert.deepEqual(await b.get(id), sent(id));
  });

  it('a second acceptance of the same Message-ID (inside the window) keeps one record', async () => {
    const { a, b } = make();
    const id = `<${Math.random().toString(36).slice(2)}.result@msp.example>`;
    await a.record(sent(id));
    await b.record(sent(id));
    assert.equal((await a.get(id))?.messageId, id);
  });
}

describe('FileSentMailStore (sandbox: one file per Message-ID)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'onramp-sent-mail-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  contract(() => ({ a: new FileSentMailStore(dir), b: new FileSentMailStore(dir) }));
});

describe('PostgresSentMailStore (every worker shares it)', { skip: !postgresAvailable() && !process.env.CI }, () => {
  let pg: ThrowawayPostgres;
  const stores: PostgresSentMailStore[] = [];
  before(async () => {
    pg = await startThrowawayPostgres();
  });
  after(async () => {
    for (const s of stores) await s.close();
    await pg?.stop();
  });
  contract(() => {
    const a = new PostgresSentMailStore(pg.url);
    const b = new PostgresSentMailStore(pg.url);
    stores.push(a, b);
    return { a, b };
  });
});
