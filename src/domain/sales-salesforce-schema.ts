import { z } from 'zod';

/** The `systems.salesforce` block of the sales mapping file. Placeholder: filled by sales-sf-cw. */
export const salesforceSystemSchema = z.looseObject({});
