import { readFileSync } from 'node:fs';
import { parseSalesMapping, SalesMappingError, type SalesMappingFile } from '../domain/sales-mapping-schema';

/**
 * Load the sales mapping file (ONRAMP_SALES_MAPPING) the worker, the intake and the CLI share. Read once at
 * start: a bad file stops the process with its line numbers instead of failing deals one by one later.
 */
export function loadSalesMapping(path: string): SalesMappingFile {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new SalesMappingError(path, [
      `cannot read the sales mapping file (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}): set ONRAMP_SALES_MAPPING to a readable YAML file`,
    ]);
  }
  return parseSalesMapping(text, path);
}
