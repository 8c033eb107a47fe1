/** Reads a .env file with dotenv's rules (quotes, multi-line values, comments, `export`). */
import { readFileSync } from 'node:fs';
import { parse } from 'dotenv';
import { DaemonError } from '../../../shared/errors.js';

/** @throws DaemonError USAGE when the file cannot be read. */
export function readDotenvFile(file: string): Record<string, string> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new DaemonError('USAGE', `cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? 'error'}`, 'secrets import dotenv PATH/TO/.env');
  }
  return parse(text);
}
