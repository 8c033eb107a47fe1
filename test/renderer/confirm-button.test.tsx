import { act, render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useState } from 'react';
import { describe, expect, test, vi } from 'vitest';
import { ConfirmButton } from '../../renderer/components/ConfirmButton.js';

/** A section holding one confirm button, as the views do (a heading, something before and after). */
function Section({ onConfirm, removeOnConfirm = false }: { onConfirm: () => void; removeOnConfirm?: boolean }) {
  const [present, setPresent] = useState(true);
  return (
    <section aria-labelledby="things">
      <h2 id="things">Things</h2>
      <button type="button">Before</button>
      {present && (
        <ConfirmButton
          label="Delete…"
          confirmLabel="Delete it"
          question="Delete it? It cannot be undone."
          onConfirm={() => {
            onConfirm();
            if (removeOnConfirm) setPresent(false);
          }}
        />
      )}
      <button type="button">After</button>
    </section>
  );
}

describe('ConfirmButton keeps the keyboard on the safe side', () => {
  test('the question opens with Cancel focused: Enter twice steps back instead of doing it', async () => {
    const onConfirm = vi.fn();
    render(<Section onConfirm={onConfirm} />);
    const user = userEvent.setup();
    screen.getByRole('button', { name: 'Delete…' }).focus();
    await user.keyboard('{Enter}');
    expect(screen.getByRole('group', { name: 'Delete it? It cannot be undone.' })).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Cancel' })).toHaveFocus();
    await user.keyboard('{Enter}');
    expect(onConfirm).not.toHaveBeenCalled();
    expect(screen.queryByRole('group')).toBeNull();
  });

  test.each([
    ['Cancel', async (user: ReturnType<typeof userEvent.setup>) => user.click(screen.getByRole('button', { name: 'Cancel' }))],
    ['Escape', async (user: ReturnType<typeof userEvent.setup>) => user.keyboard('{Escape}')],
  ])('%s returns the focus to the button that asked', async (_how, stepBack) => {
    render(<Section onConfirm={vi.fn()} />);
    const user = userEvent.setup();
    await user.click(screen.getByRole('button', { name: 'Delete…' }));
    await stepBack(user);
    expect(screen.getByRole('button', { name: 'Delete…' })).toHaveFocus();
  });

  test('confirming is a deliberate second choice: Tab past Cancel to it, or a click', async () => {
    const onConfirm = vi.fn();
    render(<Section onConfirm={onConfirm} />);
    const user = userEvent.setup();
    await user.click(screen.getByRole('button', { name: 'Delete…' }));
    await user.tab({ shift: true });
    expect(screen.getByRole('button', { name: 'Delete it' })).toHaveFocus();
    await user.keyboard('{Enter}');
    expect(onConfirm).toHaveBeenCalledTimes(1);
    expect(screen.getByRole('button', { name: 'Delete…' })).toHaveFocus();
  });

  test('when confirming removes the button (its row is deleted), the focus goes to the heading of what is left', async () => {
    render(<Section onConfirm={vi.fn()} removeOnConfirm />);
    const user = userEvent.setup();
    await user.click(screen.getByRole('button', { name: 'Delete…' }));
    await user.click(screen.getByRole('button', { name: 'Delete it' }));
    await act(async () => {});
    expect(screen.queryByRole('button', { name: 'Delete…' })).toBeNull();
    expect(screen.getByRole('heading', { name: 'Things' })).toHaveFocus();
  });
});
