import { z } from 'zod';

/** The `systems.connectwise` block of the sales mapping file. Placeholder: filled by sales-sf-cw. */
export const connectwiseSalesSystemSchema = z.looseObject({});
