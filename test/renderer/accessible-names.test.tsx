/**
 * Every control in the window has a name a screen reader reads (the README says so): each tab of a
 * populated dashboard and the approval window (folds opened) are walked, and every element a person
 * can operate — buttons, fields, selects, tabs, links, anything focusable — must have a non-empty
 * accessible name by the ARIA rules (dom-accessibility-api, which Testing Library's queries use).
 */
import { act, render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { computeAccessibleName } from 'dom-accessibility-api';
import { describe, expect, test, vi } from 'vitest';
import { ApprovalWindow } from '../../renderer/views/ApprovalWindow.js';
import { Dashboard } from '../../renderer/views/Dashboard.js';
import { createFakeBridge, fakeAuditEntry, fakeConfirmation, fakeGrant, fakeLease, fakeRequest, fakeSecret } from './fake-bridge.js';

const OPERABLE = 'button, input:not([type=hidden]), select, textarea, a[href], [role=tab], [role=checkbox], [role=radio], [role=switch], [tabindex]:not([tabindex="-1"])';

/** The operable elements in `root` without a name, described so a failure says which. */
function unnamed(root: Element): string[] {
  return [...root.querySelectorAll(OPERABLE)]
    .filter((element) => computeAccessibleName(element).trim() === '')
    .map((element) => element.outerHTML.slice(0, 160));
}

function populated() {
  const expires = new Date(Date.now() + 120_000).toISOString();
  return createFakeBridge({
    leases: [fakeLease(1), fakeLease(2, { client_id: 'ci-bot' })],
    requests: [fakeRequest({ expires_at: expires })],
    confirmations: [fakeConfirmation({ expires_at: expires })],
    grants: [fakeGrant()],
    secrets: [fakeSecret('github_token'), fakeSecret('pin', { rotate_via: 'gh auth refresh --print' })],
    audit: Array.from({ length: 5 }, (_, i) => fakeAuditEntry(i + 1)),
  });
}

describe('every control has a name a screen reader reads', () => {
  test('on each tab of the dashboard, populated', async () => {
    const fake = populated();
    render(<Dashboard bridge={fake.bridge} />);
    const tablist = await screen.findByRole('tablist', { name: 'Sections' });
    const checked: string[] = [];
    for (const tab of within(tablist).getAllByRole('tab')) {
      await userEvent.click(tab);
      // Each tab's content has loaded when its panel no longer says it is loading.
      const panel = screen.getByRole('tabpanel');
      await expect.poll(() => within(panel).queryAllByRole('status').some((s) => /loading/i.test(s.textContent ?? ''))).toBe(false);
      await expect.poll(() => panel.querySelectorAll(OPERABLE).length).toBeGreaterThan(0);
      expect(unnamed(document.body), `${tab.textContent}: controls without a name`).toEqual([]);
      checked.push(`${tab.textContent}: ${panel.querySelectorAll(OPERABLE).length}`);
    }
    expect(checked).toHaveLength(5);
  });

  test('in the approval window, its folds open', async () => {
    // Armed as a person arms it: the window has the focus for a second (fake timers, as in approval-window.test.tsx).
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval'], shouldAdvanceTime: true });
    try {
      vi.spyOn(document, 'hasFocus').mockReturnValue(true);
      const fake = createFakeBridge({ requests: [fakeRequest({ expires_at: new Date(Date.now() + 120_000).toISOString() })] });
      render(<ApprovalWindow bridge={fake.bridge} promptId={fake.data.requests[0]!.request_id} />);
      await act(() => vi.advanceTimersByTimeAsync(0));
      expect(screen.getByRole('button', { name: 'Deny' })).toBeInTheDocument();
      expect(unnamed(document.body)).toEqual([]);
      await act(() => vi.advanceTimersByTimeAsync(1000));
      await userEvent.setup({ delay: null }).click(screen.getByRole('button', { name: 'Allow for a while…' }));
      expect(screen.getAllByRole('radio').length, 'the fold is open').toBeGreaterThan(0);
      expect(unnamed(document.body)).toEqual([]);
    } finally {
      vi.useRealTimers();
    }
  });
});
