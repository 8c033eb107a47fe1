/**
 * One group of settings as a fieldset with its own Save: sends only the fields changed in it
 * (`config.set`), shows the daemon's refusal under it and marks the field the refusal names.
 */
import { type FormEvent, useState } from 'react';
import type { ResultOf } from '../../../shared/protocol.js';
import type { SettingsT } from '../../../shared/settings.js';
import { ErrorNote } from '../../components/ErrorNote.js';
import { isAboutField } from '../../components/field-error.js';
import { useAction } from '../../components/use-action.js';
import { useBridge } from '../../store/bridge.js';
import { type FieldSpec, type FieldValue, type GroupSpec, patchOf, valueAt, waitsForRestart } from './fields.js';
import { SettingField } from './SettingField.js';

export interface GroupProps {
  group: GroupSpec;
  saved: SettingsT;
  draft: SettingsT;
  restartNeeded: readonly string[];
  onChange: (path: string, value: FieldValue) => void;
  onSaved: (result: ResultOf<'config.set'>) => void;
}

export function SettingsGroup({ group, saved, draft, restartNeeded, onChange, onSaved }: GroupProps) {
  const bridge = useBridge();
  const paths = group.fields.map((f) => f.path);
  const patch = patchOf(paths, saved, draft);
  const dirty = Object.keys(patch).length > 0;
  const [note, setNote] = useState('');
  const save = useAction(async () => {
    setNote('');
    const result = await bridge['config.set'](patch);
    onSaved(result);
    const later = paths.some((path) => waitsForRestart(result.restart_needed, path));
    setNote(later ? 'Saved. Marked settings apply after the app restarts.' : 'Saved and in effect.');
  });
  const errorId = `settings-${group.id}-error`;

  const field = (spec: FieldSpec) => (
    <SettingField
      key={spec.path}
      spec={spec}
      state={{ value: valueAt(draft, spec.path), restart: waitsForRestart(restartNeeded, spec.path), errorId: isAboutField(save.error, spec.path) ? errorId : null }}
      onChange={(value) => onChange(spec.path, value)}
    />
  );
  // Fields that share a `within` legend sit in a nested fieldset, in the order they are declared.
  const nested = [...new Set(group.fields.flatMap((f) => (f.within === undefined ? [] : [f.within])))];
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (dirty) void save.run();
  };
  return (
    <form className="settings-group" aria-labelledby={`settings-${group.id}-legend`} onSubmit={submit}>
      <fieldset aria-describedby={group.intro === undefined ? undefined : `settings-${group.id}-intro`}>
        <legend id={`settings-${group.id}-legend`}>{group.legend}</legend>
        {group.intro !== undefined && (
          <p id={`settings-${group.id}-intro`} className="muted group-intro">
            {group.intro}
          </p>
        )}
        {group.fields.filter((f) => f.within === undefined).map(field)}
        {nested.map((legend, i) => {
          const intro = group.nestedIntros?.[legend];
          const introId = `settings-${group.id}-nested-${i}-intro`;
          return (
            <fieldset key={legend} aria-describedby={intro === undefined ? undefined : introId}>
              <legend>{legend}</legend>
              {intro !== undefined && (
                <p id={introId} className="muted group-intro">
                  {intro}
                </p>
              )}
              {group.fields.filter((f) => f.within === legend).map(field)}
            </fieldset>
          );
        })}
        <div className="toolbar">
          <button type="submit" className="primary" aria-label={`Save ${group.legend}`} disabled={!dirty || save.busy}>
            {save.busy ? 'Saving…' : 'Save'}
          </button>
          {note !== '' && <span role="status">{note}</span>}
        </div>
        <div id={errorId}>
          <ErrorNote error={save.error} />
        </div>
      </fieldset>
    </form>
  );
}
