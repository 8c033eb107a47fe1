/**
 * Which files `secrets scan` reads: .gitignore as git applies it (nested files, negation, directory
 * patterns), env files read even when ignored, node_modules and .git never entered, symlinked
 * directories never followed, and only the documented file names.
 */
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { walkProject } from '../../electron/cli/scan/walk.js';

const root = mkdtempSync(join(tmpdir(), 'as-scan-walk-'));
const outside = mkdtempSync(join(tmpdir(), 'as-scan-walk-out-'));
after(() => {
  rmSync(root, { recursive: true, force: true });
  rmSync(outside, { recursive: true, force: true });
});

function put(path: string, text = 'x\n'): void {
  mkdirSync(dirname(join(root, path)), { recursive: true });
  writeFileSync(join(root, path), text);
}

test('gitignore rules, always-read env files, never-entered directories, the documented names', () => {
  put('.gitignore', '.env*\n*.json\n!keep.json\nbuild/\n');
  put('.env');
  put('.env.production');
  put('prod.env');
  put('a.json');
  put('keep.json');
  put('build/config.yaml');
  put('build/.env');
  put('node_modules/pkg/.env');
  put('.git/config');
  put('svc/.gitignore', '!b.json\nsecret.toml\n');
  put('svc/b.json');
  put('svc/secret.toml');
  put('svc/settings.yml');
  put('svc/.npmrc');
  put('svc/id_ed25519');
  put('svc/id_ed25519.pub');
  put('svc/main.ts');
  put('svc/package-lock.json');
  put('svc/.secrets.json');
  writeFileSync(join(outside, 'leak.yaml'), 'x\n');
  symlinkSync(outside, join(root, 'linked'));
  const { candidates, ignoredDirs } = walkProject(root);
  assert.deepEqual(
    candidates.map((c) => `${c.path} ${c.format}`),
    ['.env dotenv', '.env.production dotenv', 'keep.json lines', 'prod.env dotenv', 'svc/.npmrc lines', 'svc/b.json lines', 'svc/id_ed25519 lines', 'svc/settings.yml lines'],
  );
  assert.equal(ignoredDirs, 1, 'build/ was skipped, and counted (node_modules and .git are never entered, not counted)');

  // --no-ignore: every .gitignore set aside, but still never .git, node_modules or a symlinked directory.
  const all = walkProject(root, { enterIgnored: true });
  assert.equal(all.ignoredDirs, 0);
  assert.deepEqual(
    all.candidates.map((c) => c.path),
    ['.env', '.env.production', 'a.json', 'build/.env', 'build/config.yaml', 'keep.json', 'prod.env', 'svc/.npmrc', 'svc/b.json', 'svc/id_ed25519', 'svc/secret.toml', 'svc/settings.yml'],
  );
});
