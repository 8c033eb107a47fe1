/**
 * The timeline's filters, as typed: the view applies them to the daemon query after a pause in typing,
 * and never while the time range is backwards (said here, next to the fields). What an entry holds
 * and when it was written are two groups, so a narrow window wraps the whole time range to a line of
 * its own rather than leaving "To" alone under the rest.
 */
import type { ChangeEvent } from 'react';
import { AUDIT_ACTIONS } from '../../../shared/audit-actions.js';
import { type AuditFilters, isFiltered } from './filters.js';

interface Props {
  draft: AuditFilters;
  onChange: (next: AuditFilters) => void;
  onClear: () => void;
  problem: string | null;
}

export function AuditFilterForm({ draft, onChange, onClear, problem }: Props) {
  const field = (key: keyof AuditFilters) => ({
    value: draft[key],
    onChange: (event: ChangeEvent<HTMLInputElement | HTMLSelectElement>) => onChange({ ...draft, [key]: event.target.value }),
  });
  return (
    <form className="form-row audit-filters" role="search" aria-label="Filter the audit log" onSubmit={(event) => event.preventDefault()}>
      <div className="field-group">
        <label>
          Search
          <input type="search" maxLength={200} spellCheck={false} placeholder="any text" {...field('text')} />
        </label>
        <label>
          Action
          <select {...field('action')}>
            <option value="">Any action</option>
            {AUDIT_ACTIONS.map((action) => (
              <option key={action} value={action}>
                {action}
              </option>
            ))}
          </select>
        </label>
        <label>
          Client
          <input maxLength={200} spellCheck={false} autoComplete="off" {...field('client')} />
        </label>
        <label>
          Secret
          <input maxLength={200} spellCheck={false} autoComplete="off" {...field('secret')} />
        </label>
      </div>
      <div className="field-group" role="group" aria-label="Time range">
        <label>
          From
          <input type="datetime-local" {...field('from')} />
        </label>
        <label>
          To
          <input type="datetime-local" aria-invalid={problem !== null} aria-describedby={problem === null ? undefined : 'audit-range-problem'} {...field('to')} />
        </label>
      </div>
      <button type="button" onClick={onClear} disabled={!isFiltered(draft)}>
        Clear filters
      </button>
      {problem !== null && (
        <p id="audit-range-problem" className="error-note" role="alert">
          {problem}
        </p>
      )}
    </form>
  );
}
