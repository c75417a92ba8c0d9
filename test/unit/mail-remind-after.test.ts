/**
 * The order's reminder schedule (`mail.remindAfter`, issue 22) at every door that sends mail: refused with the
 * field's path and the fix, accepted as written; the workflows read it with the same rules (src/rules).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseAutotaskOnboardingInput } from '../../src/domain/autotask-schema';
import { parseConnectwiseOnboardingInput } from '../../src/domain/connectwise-schema';
import { parseOrder } from '../../src/domain/customer-onboarding-schema';
import { parseDelegationInput } from '../../src/domain/google-delegation-schema';
import { DEFAULT_REMIND_AFTER, reminderDelaysMs } from '../../src/rules/human-mail-text';
import * as f from './fixtures-domain';
import { problems } from './fixtures-domain';

const doors: [string, (v: unknown) => unknown, () => Record<string, unknown>][] = [
  ['google delegation', parseDelegationInput, f.delegation],
  ['autotask onboarding', parseAutotaskOnboardingInput, f.autotask],
  ['connectwise onboarding', parseConnectwiseOnboardingInput, f.connectwise],
];

describe('mail.remindAfter: the order’s reminder schedule', () => {
  for (const [name, parse, valid] of doors) {
    it(`${name}: a schedule it cannot follow is refused naming mail.remindAfter and the fix`, () => {
      const refused = (remindAfter: unknown) => problems(parse, { ...valid(), mail: { remindAfter } }).join('\n');
      assert.match(refused(['1 day']), /^mail\.remindAfter\.0: must be a delay such as .*"24h"/m);
      assert.match(refused(['0h']), /^mail\.remindAfter\.0: /m);
      assert.match(refused(['24h', '2h']), /^mail\.remindAfter\.1: must come after 24h/m);
      assert.match(refused(['24h', '24h']), /^mail\.remindAfter\.1: must come after 24h/m);
      assert.match(refused(['31d']), /^mail\.remindAfter\.0: must be at most 30 days/m);
      assert.match(refused(Array.from({ length: 11 }, (_, i) => `${i + 1}h`)), /^mail\.remindAfter: at most 10/m);
      assert.match(problems(parse, { ...valid(), mail: { remindAfer: ['1h'] } }).join('\n'), /^mail\.remindAfer/m);
    });
    it(`${name}: a valid schedule is kept as written; none means the default`, () => {
      const out = parse({ ...valid(), mail: { remindAfter: ['30s', '4h', '72h'] } }) as { mail?: unknown };
      assert.deepEqual(out.mail, { remindAfter: ['30s', '4h', '72h'] });
      assert.deepEqual((parse({ ...valid(), mail: { remindAfter: [] } }) as { mail?: unknown }).mail, {
        remindAfter: [],
      });
      assert.equal((parse(valid()) as { mail?: unknown }).mail, undefined);
    });
  }

  it('a sales order names the path inside its integration', () => {
    const order = f.order() as { integrations: { googleDelegation: Record<string, unknown> } };
    order.integrations.googleDelegation.mail = { remindAfter: ['3d', '1d'] };
    assert.match(
      problems(parseOrder, order).join('\n'),
      /integrations\.googleDelegation\.mail\.remindAfter\.1: must come after 3d/
    );
  });

  it('the workflows read the delays: the default 24 h and 72 h, or the order’s in ms', () => {
    assert.deepEqual(DEFAULT_REMIND_AFTER, ['24h', '72h']);
    assert.deepEqual(reminderDelaysMs(), [24 * 3600_000, 72 * 3600_000]);
    assert.deepEqual(reminderDelaysMs(['30s', '15m', '2h', '3d']), [30_000, 900_000, 7_200_000, 3 * 86_400_000]);
    assert.deepEqual(reminderDelaysMs([]), []);
  });
});
