import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
// @ts-expect-error: a plain ESM script without type declarations
import { checkImports } from '../../scripts/check-imports.mjs';

const check = checkImports as (root: string) => string[];

test('the repository follows the layering table', () => {
  assert.deepEqual(check(resolve(import.meta.dirname, '..', '..')), []);
});

test('each forbidden import is reported', () => {
  const root = mkdtempSync(join(tmpdir(), 'as-layers-'));
  const files: Record<string, string> = {
    'shared/a.ts': "import { readFileSync } from 'node:fs';",
    'shared/b.ts': "import x from '../electron/daemon/core.js';",
    'electron/daemon/c.ts': "import { app } from 'electron';",
    'electron/daemon/d.ts': "import '../cli/main.js';",
    'electron/cli/e.ts': "import { x } from '../daemon/core.js';",
    'electron/cli/f.ts': "import { z } from 'zod';",
    'electron/cli/in-process/ok.ts': "import type { X } from '../../daemon/index.js';",
    'renderer/g.tsx': "import { ipcRenderer } from 'electron';",
    'renderer/h.tsx': "const m = await import('../electron/daemon/core.js');",
    'electron/preload/i.ts': "import { contextBridge } from 'electron'; import '../../shared/x.js';",
    // Inside the daemon: a low concern reaching up, and a folder missing from the table.
    'electron/daemon/store/j.ts': "import { RpcServer } from '../server/rpc-server.js';",
    'electron/daemon/store/ok.ts': "import { createLogger } from '../logger.js';",
    'electron/daemon/server/ok.ts': "import { Core } from '../core.js'; import { x } from '../store/db.js';",
    'electron/daemon/misc/k.ts': "import { createLogger } from '../logger.js';",
  };
  try {
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(dirname(join(root, path)), { recursive: true });
      writeFileSync(join(root, path), text);
    }
    const violations = check(root);
    const offenders = violations.map((v) => v.split(':')[0]).sort();
    assert.deepEqual(offenders, ['electron/cli/e.ts', 'electron/cli/f.ts', 'electron/daemon/c.ts', 'electron/daemon/d.ts', 'electron/daemon/misc/k.ts', 'electron/daemon/store/j.ts', 'renderer/g.tsx', 'renderer/h.tsx', 'shared/a.ts', 'shared/b.ts']);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
