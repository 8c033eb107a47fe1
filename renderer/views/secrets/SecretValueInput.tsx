/**
 * The one place a secret value is typed: masked, never autocompleted, spell-checked or echoed back.
 * The form that holds it clears it after every submit, so a value never lingers in the window. A value
 * too short for `secrets exec` to hide in output is said to be so while it is typed (it is still stored).
 */
import { tooShortToMask, tooShortToMaskNote } from '../../../shared/mask-length.js';

export function SecretValueInput({ id, label, name, value, onChange }: { id: string; label: string; name: string; value: string; onChange: (value: string) => void }) {
  const short = value.length > 0 && tooShortToMask(value);
  // The note sits beside the label, not in it: it describes the field, it does not name it.
  return (
    <span className="value-field">
      <label htmlFor={id}>
        {label}
        <input
          id={id}
          type="password"
          autoComplete="off"
          spellCheck={false}
          autoCapitalize="off"
          autoCorrect="off"
          required
          value={value}
          aria-describedby={short ? `${id}-short` : undefined}
          onChange={(e) => onChange(e.target.value)}
        />
      </label>
      {short && (
        <small id={`${id}-short`} className="field-note">
          {tooShortToMaskNote(name.trim() === '' ? 'This value' : name.trim())}
        </small>
      )}
    </span>
  );
}
