import { z } from 'zod';
import type { OrderMailV1 } from '../contract/mail-messages';
import {
  REMIND_AFTER_MAX_COUNT,
  REMIND_AFTER_MAX_MS,
  REMIND_AFTER_PATTERN,
  remindAfterMs,
} from '../rules/human-mail-text';
import type { Assert, Same } from './type-equality';

/**
 * An order's e-mail settings (`mail` on the inputs that send mail to the humans of a waiting step). The
 * workflows read the delays with src/rules/human-mail-text.ts, which accepts exactly what this schema does.
 */
export const orderMailSchema = z.strictObject({
  remindAfter: z
    .array(
      z
        .string()
        .trim()
        .regex(
          REMIND_AFTER_PATTERN,
          'must be a delay such as "30s", "15m", "24h" or "3d" (a whole number and s, m, h or d)'
        )
        .refine((d) => (remindAfterMs(d) ?? 0) <= REMIND_AFTER_MAX_MS, 'must be at most 30 days ("30d")')
    )
    .max(REMIND_AFTER_MAX_COUNT, `at most ${REMIND_AFTER_MAX_COUNT} reminders`)
    .superRefine((delays, ctx) => {
      delays.forEach((d, i) => {
        const prev = i > 0 ? remindAfterMs(delays[i - 1]!) : undefined;
        const ms = remindAfterMs(d);
        if (prev !== undefined && ms !== undefined && ms <= prev)
          ctx.addIssue({
            // Stryker disable next-line StringLiteral: the issue code is never shown or read (describeIssues reports path and message)
            code: 'custom',
            path: [i],
            message: `must come after ${delays[i - 1]} (each reminder later than the one before, counted from when the step began waiting)`,
          });
      });
    })
    .optional(),
});

export type OrderMail = z.output<typeof orderMailSchema>;
export type OrderMailIsV1 = Assert<Same<OrderMail, OrderMailV1>>;
