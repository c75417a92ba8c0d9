/**
 * The sandbox's generated key file (src/codec/key-ring.ts `sandboxKeyFile`): made once, then reused; an error
 * other than "already exists" while creating it is not swallowed.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { sandboxKeyFile } from '../../src/codec/key-ring';

describe('sandboxKeyFile', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sandbox-key-file-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('creates the key once and reads the same file on the next start', () => {
    sandboxKeyFile(dir, 'codec-key', 'sandbox');
    const first = readFileSync(join(dir, 'codec-key'), 'utf8');
    sandboxKeyFile(dir, 'codec-key', 'sandbox');
    assert.equal(readFileSync(join(dir, 'codec-key'), 'utf8'), first);
  });

  it('throws the error of creating the file when it is not "already exists"', () => {
    assert.throws(
      () => sandboxKeyFile(dir, join('no-such-dir', 'codec-key'), 'sandbox'),
      (err: NodeJS.ErrnoException) => err.code === 'ENOENT' && err.syscall === 'open'
    );
  });
});
