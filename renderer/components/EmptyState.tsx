/** What an empty list means and what to do next, with the exact command when there is one. */
import type { ReactNode } from 'react';
import { Command } from './Command.js';

export function EmptyState({ title, command, children }: { title: string; command?: string; children?: ReactNode }) {
  return (
    <div className="empty-state">
      <p className="empty-title">{title}</p>
      {children}
      {command !== undefined && <Command text={command} />}
    </div>
  );
}
