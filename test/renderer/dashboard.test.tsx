import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, test } from 'vitest';
import { Dashboard } from '../../renderer/views/Dashboard.js';
import { createFakeBridge } from './fake-bridge.js';

describe('the dashboard shell', () => {
  test('loading: says it is starting until the app answers', () => {
    const fake = createFakeBridge();
    fake.hang('app.state');
    render(<Dashboard bridge={fake.bridge} />);
    expect(screen.getByRole('status')).toHaveTextContent(/starting/i);
  });

  test('error: the app cannot say its state; Retry asks again', async () => {
    const fake = createFakeBridge();
    fake.fail('app.state', 'INTERNAL', 'the app is not ready', 'restart the app');
    render(<Dashboard bridge={fake.bridge} />);
    expect(await screen.findByRole('alert')).toHaveTextContent('the app is not ready — restart the app');
    fake.on('app.state', () => fake.data.app);
    await userEvent.click(screen.getByRole('button', { name: 'Retry' }));
    expect(await screen.findByRole('tablist')).toBeInTheDocument();
  });

  test('running: five tabs, arrow keys move between them', async () => {
    const fake = createFakeBridge();
    render(<Dashboard bridge={fake.bridge} />);
    const tablist = await screen.findByRole('tablist', { name: 'Sections' });
    const tabs = within(tablist).getAllByRole('tab');
    expect(tabs.map((t) => t.textContent)).toEqual(['Leases', 'Approvals & clients', 'Secrets', 'Audit', 'Settings']);
    expect(tabs[0]).toHaveAttribute('aria-selected', 'true');
    tabs[0]!.focus();
    await userEvent.keyboard('{ArrowLeft}');
    expect(screen.getByRole('tab', { name: 'Settings' })).toHaveAttribute('aria-selected', 'true');
    expect(screen.getByRole('tab', { name: 'Settings' })).toHaveFocus();
    expect(screen.getByRole('tabpanel')).toHaveAttribute('aria-labelledby', 'tab-settings');
  });

  test.each([
    { from: 'Leases', key: '{ArrowRight}', to: 'Approvals & clients', why: 'the next tab' },
    { from: 'Settings', key: '{ArrowRight}', to: 'Leases', why: 'wraps from the last to the first' },
    { from: 'Secrets', key: '{Home}', to: 'Leases', why: 'the first tab' },
    { from: 'Secrets', key: '{End}', to: 'Settings', why: 'the last tab' },
  ])('$key on $from selects and focuses $to ($why)', async ({ from, key, to }) => {
    const fake = createFakeBridge();
    render(<Dashboard bridge={fake.bridge} />);
    const tablist = await screen.findByRole('tablist', { name: 'Sections' });
    await userEvent.click(within(tablist).getByRole('tab', { name: from }));
    await userEvent.keyboard(key);
    const target = within(tablist).getByRole('tab', { name: to });
    expect(target).toHaveAttribute('aria-selected', 'true');
    expect(target).toHaveFocus();
    expect(target).toHaveAttribute('tabindex', '0');
    expect(within(tablist).getAllByRole('tab', { selected: true })).toEqual([target]);
    expect(screen.getByRole('tabpanel')).toHaveAttribute('aria-labelledby', target.id);
  });

  test('before the store is open: the first-run view, not the tabs', async () => {
    const fake = createFakeBridge({ app: { phase: 'unlock', store: 'passphrase', remember: { allowed: false, why: 'no keyring' }, offers: [] } });
    render(<Dashboard bridge={fake.bridge} />);
    await screen.findByText(/./, { selector: '.app *' });
    expect(screen.queryByRole('tablist')).toBeNull();
    expect(fake.callsOf('status')).toEqual([]);
  });
});
