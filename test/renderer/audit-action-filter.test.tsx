import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, test } from 'vitest';
import { AUDIT_ACTIONS } from '../../shared/audit-actions.js';
import { AuditView } from '../../renderer/views/AuditView.js';
import { idsShown, logOf, serveLog, sizeTheScroller } from './audit-fixtures.js';
import { createFakeBridge } from './fake-bridge.js';
import { renderWithStore } from './render-view.js';

sizeTheScroller();

const DAEMON = join(import.meta.dirname, '../../electron/daemon');

function sourcesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts'))
    .map((entry) => readFileSync(join(entry.parentPath, entry.name), 'utf8'));
}

/**
 * Every audit action the daemon's sources can write, found without trusting the list: the dotted
 * string literals on each line that sets an `action` (`action: 'x'`, `action ?? 'x'`, `action = c ? 'x' : 'y'`).
 */
function actionsInDaemonSources(): Set<string> {
  const found = new Set<string>();
  for (const source of sourcesUnder(DAEMON)) {
    for (const line of source.split('\n')) {
      if (!/\baction\b\s*(\??:|=[^=>])/.test(line)) continue;
      for (const [, literal] of line.matchAll(/'([a-z]+\.[a-z_]+)'/g)) found.add(literal!);
    }
  }
  return found;
}

describe('the audit Action filter', () => {
  test('the scan of the daemon sources finds what it looks for', () => {
    const found = actionsInDaemonSources();
    // One of each way an action is written: a literal, a default, a computed choice.
    for (const action of ['lease.granted', 'secret.updated', 'lease.expired', 'config.changed']) expect(found).toContain(action);
  });

  test('offers every action the daemon writes, and nothing it does not', async () => {
    const fake = createFakeBridge();
    serveLog(fake, logOf(1));
    renderWithStore(fake, <AuditView />);
    await waitFor(() => expect(idsShown()).toEqual(['1']));
    const offered = within(screen.getByRole('combobox', { name: 'Action' }))
      .getAllByRole('option')
      .map((option) => (option as HTMLOptionElement).value)
      .filter((value) => value !== '');
    expect(new Set(offered)).toEqual(actionsInDaemonSources());
    expect(offered).toEqual([...AUDIT_ACTIONS]);
  });
});
