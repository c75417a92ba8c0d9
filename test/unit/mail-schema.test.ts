/**
 * An order's `mail` settings (src/domain/mail-schema.ts) at their edges: delays are trimmed before they are read,
 * 30 days is the longest accepted (inclusive), and an out-of-order delay names the one before it.
 * test/unit/mail-remind-after.test.ts checks the same field through each door that sends mail.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { inputProblems, parseOrThrow } from '../../src/domain/field-validators';
import { orderMailSchema } from '../../src/domain/mail-schema';

const parse = (remindAfter: unknown) => parseOrThrow(orderMailSchema, { remindAfter }, 'mail settings');
const refused = (remindAfter: unknown) => inputProblems(orderMailSchema, { remindAfter });

describe('mail.remindAfter at its edges', () => {
  it('spaces around a delay are dropped before it is checked and kept that way', () => {
    assert.deepEqual(parse([' 24h ', '\t72h']), { remindAfter: ['24h', '72h'] });
  });

  it('30 days is the longest delay, however it is written; a minute more is refused', () => {
    assert.deepEqual(parse(['30d']), { remindAfter: ['30d'] });
    assert.deepEqual(parse(['1h', '720h']), { remindAfter: ['1h', '720h'] });
    assert.deepEqual(refused(['43201m']), ['remindAfter.0: must be at most 30 days ("30d")']);
  });

  it('a delay that is not later than the previous one names that one, even when written differently', () => {
    assert.deepEqual(refused(['1d', '24h']), [
      'remindAfter.1: must come after 1d (each reminder later than the one before, counted from when the step began waiting)',
    ]);
  });

  it('an unreadable delay is reported once, not compared with its neighbours', () => {
    assert.deepEqual(refused(['2h', 'soon', '1h']), [
      'remindAfter.1: must be a delay such as "30s", "15m", "24h" or "3d" (a whole number and s, m, h or d)',
    ]);
  });
});
