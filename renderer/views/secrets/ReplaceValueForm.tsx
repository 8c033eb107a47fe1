/** Replace a secret's value (`secrets.set`), inline under its row; the new value is never shown. */
import { type FormEvent, useState } from 'react';
import { ErrorNote } from '../../components/ErrorNote.js';
import { useAction } from '../../components/use-action.js';
import { useBridge } from '../../store/bridge.js';
import { SecretValueInput } from './SecretValueInput.js';

export function ReplaceValueForm({ name, onDone }: { name: string; onDone: (replaced: boolean) => void }) {
  const bridge = useBridge();
  const [value, setValue] = useState('');
  const replace = useAction((newValue: string) => bridge['secrets.set']({ name, value: newValue }));
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const newValue = value;
    setValue('');
    if (await replace.run(newValue)) onDone(true);
  };
  return (
    <form className="replace-value" aria-label={`Replace the value of ${name}`} onSubmit={(e) => void submit(e)}>
      <div className="form-row">
        <SecretValueInput id={`replace-${name}`} label={`New value for ${name}`} name={name} value={value} onChange={setValue} />
        <button type="submit" className="primary" disabled={replace.busy}>
          {replace.busy ? 'Saving…' : 'Save new value'}
        </button>
        <button type="button" onClick={() => onDone(false)}>
          Cancel
        </button>
      </div>
      <p className="muted">Leases already handed out keep the old value until they end; revoke them on the Leases tab to cut them off now.</p>
      <ErrorNote error={replace.error} />
    </form>
  );
}
