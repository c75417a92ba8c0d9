/**
 * What every command group of the CLI shares: its errors, the output sink, the Temporal client and the
 * reading of input files (bounded: an input file is an order, never gigabytes).
 */
// @ts-nocheck

import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import type { Client } from '@temporalio/client';
import { parse as parseYaml } from 'yaml';
import { connectClient } from '../client';
import { loadConfig, type OnrampConfig } from '../config';

/** A refusal the operator can act on: printed as is, exit 1. */
export class CliError extends Error {
  override name = 'CliError';
}

/** Where a command prints (stdout by default; tests capture it). */
export type Out = (line: string) => void;

/** Largest input file the CLI reads: far above any real order (the intake takes 256 KiB), far below harm. */
export const MAX_INPUT_FILE_BYTES = 1024 * 1024;

/**
 * Read at most MAX_INPUT_FILE_BYTES (+1 to know it is more) from a file, a pipe or a device: `-f /dev/zero`
 * or a multi-gigabyte log fails at once instead of filling memory.
 */
export function readBoundedFile(path: string, what = 'input file', max = MAX_INPUT_FILE_BYTES): string {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (err) {
    throw new CliError(`cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
  try {
    const st = fstatSync(fd);
    if (st.isDirectory()) throw new CliError(`${path} is a directory: give the ${what}`);
    if (st.isFile() && st.size > max)
      throw new CliError(`${path} is ${st.size} bytes: an ${what} is at most ${max} bytes (is this the right file?)`);
    const buf = Buffer.alloc(max + 1);
    let n = 0;
    for (;;) {
      const r = readSync(fd, buf, n, buf.length - n, null);
      if (r === 0) break;
      n += r;
      if (n > max)
        throw new CliError(
          `${path} is larger than ${max} bytes: an ${what} is at most ${max} bytes (is this the right file?)`
        );
    }
    return buf.subarray(0, n).toString('utf8');
  } finally {
    closeSync(fd);
  }
}

/** An order or workflow input file: JSON, or YAML by extension. */
export function readInputFile(path: string): unknown {
  const text = readBoundedFile(path);
  const yaml = /\.ya?ml$/i.test(path);
  try {
    return yaml ? parseYaml(text, { maxAliasCount: 100 }) : JSON.parse(text);
  } catch (err) {
    throw new CliError(`${path} is not valid ${yaml ? 'YAML' : 'JSON'}: ${(err as Error).message}`);
  }
}

export async function withClient<T>(fn: (client: Client, config: OnrampConfig) => Promise<T>): Promise<T> {
  const config = loadConfig();
  let client: Client;
  try {
    client = await connectClient(config);
  } catch (err) {
    throw new CliError(
      `cannot reach Temporal at ${config.temporal.address} (${(err as Error).message}). Is it running? (npm start runs one)`
    );
  }
  try {
    return await fn(client, config);
  } finally {
    await client.connection.close();
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A positive number from an option, within a range, or a CliError naming the option and the fix. */
export function numberOption(value: string, option: string, min: number, max: number, example: number): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < min || n > max)
    throw new CliError(`${option}: must be a number from ${min} to ${max}, e.g. ${option} ${example} (got "${value}")`);
  return n;
}
