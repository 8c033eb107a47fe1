/**
 * Add a secret: name, value (masked), description, optional rotation hook → `secrets.add`. The value
 * is cleared after every submit, whether the daemon took it or not; an error about the name is shown
 * under the name, any other under the form.
 */
import { type FormEvent, useState } from 'react';
import type { ParamsOf } from '../../../shared/protocol.js';
import { ErrorNote } from '../../components/ErrorNote.js';
import { isAboutField } from '../../components/field-error.js';
import { useAction } from '../../components/use-action.js';
import { useBridge } from '../../store/bridge.js';
import { SecretValueInput } from './SecretValueInput.js';

export function AddSecretForm({ onAdded }: { onAdded: (name: string) => void }) {
  const bridge = useBridge();
  const [name, setName] = useState('');
  const [value, setValue] = useState('');
  const [description, setDescription] = useState('');
  const [rotateVia, setRotateVia] = useState('');
  const add = useAction((params: ParamsOf<'secrets.add'>) => bridge['secrets.add'](params));

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const params = { name: name.trim(), value, ...(description.trim() && { description: description.trim() }), ...(rotateVia.trim() && { rotate_via: rotateVia.trim() }) };
    setValue('');
    if (await add.run(params)) {
      onAdded(params.name);
      setName('');
      setDescription('');
      setRotateVia('');
    }
  };
  const nameError = isAboutField(add.error, 'name') ? add.error : null;
  return (
    <form className="card add-secret" aria-labelledby="add-secret-title" onSubmit={(e) => void submit(e)}>
      <h3 id="add-secret-title">Add a secret</h3>
      <div className="form-row">
        <label htmlFor="add-secret-name">
          Name
          <input
            id="add-secret-name"
            required
            autoComplete="off"
            spellCheck={false}
            value={name}
            aria-invalid={nameError !== null}
            aria-describedby={nameError !== null ? 'add-secret-name-error' : undefined}
            onChange={(e) => setName(e.target.value)}
          />
        </label>
        <SecretValueInput id="add-secret-value" label="Value" name={name} value={value} onChange={setValue} />
      </div>
      {nameError !== null && (
        <div id="add-secret-name-error">
          <ErrorNote error={nameError} />
        </div>
      )}
      <div className="form-row">
        <label htmlFor="add-secret-description">
          Description (optional)
          <input id="add-secret-description" value={description} onChange={(e) => setDescription(e.target.value)} />
        </label>
        <label htmlFor="add-secret-rotate" className="wide">
          Rotation hook (optional): a command whose output becomes the new value
          <input id="add-secret-rotate" className="mono" spellCheck={false} value={rotateVia} onChange={(e) => setRotateVia(e.target.value)} />
        </label>
      </div>
      <div className="toolbar">
        <button type="submit" className="primary" disabled={add.busy}>
          {add.busy ? 'Adding…' : 'Add secret'}
        </button>
      </div>
      {nameError === null && <ErrorNote error={add.error} />}
    </form>
  );
}
