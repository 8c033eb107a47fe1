/** A root temp dir for a test file, removed after it, and a fresh empty directory per test inside it. */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before } from 'node:test';

export function freshDirs(prefix: string): () => string {
  let root = '';
  let n = 0;
  before(() => {
    root = mkdtempSync(join(tmpdir(), prefix));
  });
  after(() => rmSync(root, { recursive: true, force: true }));
  return () => {
    const dir = join(root, `t${n++}`);
    mkdirSync(dir, { recursive: true });
    return dir;
  };
}
