/** Asserts that no file under a directory holds any of the given values (raw, base64 or hex). */
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

export function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : statSync(path).isFile() ? [path] : [];
  });
}

export function assertNoPlaintext(dir: string, values: Record<string, string>): void {
  const files = filesUnder(dir);
  assert.ok(files.some((f) => f.endsWith('state.db')));
  for (const file of files) {
    const bytes = readFileSync(file);
    for (const [name, value] of Object.entries(values)) {
      for (const form of [value, Buffer.from(value).toString('base64'), Buffer.from(value, 'utf8').toString('hex')]) {
        assert.equal(bytes.includes(Buffer.from(form)), false, `${file} contains ${name} in plaintext`);
      }
    }
  }
}
