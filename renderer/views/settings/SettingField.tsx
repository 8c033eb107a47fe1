/** One setting's control, labelled, with its help, whether it waits for a restart, and its error. */
import type { FieldSpec, FieldValue } from './fields.js';

export interface FieldState {
  value: FieldValue;
  restart: boolean;
  /** The id of the error that names this field, if any. */
  errorId: string | null;
}

export function SettingField({ spec, state, onChange }: { spec: FieldSpec; state: FieldState; onChange: (value: FieldValue) => void }) {
  const id = `setting-${spec.path.replaceAll('.', '-')}`;
  const describedBy = [spec.help !== undefined ? `${id}-help` : null, state.restart ? `${id}-restart` : null, state.errorId].filter((x) => x !== null).join(' ') || undefined;
  const common = { id, 'aria-describedby': describedBy, 'aria-invalid': state.errorId !== null ? true : undefined };
  const notes = (
    <>
      {spec.help !== undefined && (
        <small id={`${id}-help`} className="muted">
          {spec.help}
        </small>
      )}
      {state.restart && (
        <small id={`${id}-restart`} className="tag restart">
          applies after restart
        </small>
      )}
    </>
  );
  if (spec.kind === 'checkbox') {
    return (
      <div className="setting">
        <label htmlFor={id} className="inline">
          <input {...common} type="checkbox" checked={state.value === true} onChange={(e) => onChange(e.target.checked)} />
          {spec.label}
        </label>
        {notes}
      </div>
    );
  }
  let control;
  if (spec.kind === 'select') {
    control = (
      <select {...common} value={String(state.value ?? '')} onChange={(e) => onChange(e.target.value)}>
        {spec.options?.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    );
  } else if (spec.kind === 'number') {
    control = <input {...common} type="number" min={1} step={1} value={Number.isNaN(state.value) ? '' : String(state.value ?? '')} onChange={(e) => onChange(e.target.valueAsNumber)} />;
  } else {
    const mono = spec.kind === 'duration' ? 'duration' : undefined;
    control = <input {...common} type="text" className={mono} spellCheck={false} autoComplete="off" placeholder={spec.placeholder} value={String(state.value ?? '')} onChange={(e) => onChange(e.target.value)} />;
  }
  return (
    <div className="setting">
      <label htmlFor={id}>
        {spec.label}
        {control}
      </label>
      {notes}
    </div>
  );
}
