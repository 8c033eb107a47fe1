/**
 * The one place a secret value is typed: masked, never autocompleted, spell-checked or echoed back.
 * The form that holds it clears it after every submit, so a value never lingers in the window.
 */
export function SecretValueInput({ id, label, value, onChange }: { id: string; label: string; value: string; onChange: (value: string) => void }) {
  return (
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
        onChange={(e) => onChange(e.target.value)}
      />
    </label>
  );
}
