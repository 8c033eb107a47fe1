/**
 * What the person does before the daemon runs (`app.state`, electron/main/app-lifecycle.ts): create the
 * store on the first run, unlock it, or let the app take over a headless daemon. After creating the
 * store the app offers the command-line tool and starting at login, then goes on to the dashboard.
 *
 * Passphrases live only in the password fields: never shown, and cleared once sent, whatever the answer.
 */
import { type FormEvent, type ReactNode, type RefObject, useEffect, useRef, useState } from 'react';
import { missingCase } from '../../shared/errors.js';
import { MIN_PASSPHRASE_LENGTH } from '../../shared/names.js';
import type { AppState, CliInstall } from '../../shared/ui-service.js';
import { ErrorNote } from '../components/ErrorNote.js';
import { useAction } from '../components/use-action.js';
import { useBridge } from '../store/bridge.js';
import { type UiError, toUiError } from '../store/ui-error.js';


export function FirstRunView({ state, onState }: { state: AppState; onState: (next: AppState) => void }) {
  // The store exists and the daemon runs; the offers come before the dashboard.
  const [created, setCreated] = useState<AppState | null>(null);
  if (created !== null) return <Offers offers={created.offers} onContinue={() => onState(created)} />;
  const afterCreate = (next: AppState) => (next.offers.length > 0 ? setCreated(next) : onState(next));
  switch (state.phase) {
    case 'create-store':
      return <PassphraseForm mode="create" state={state} onDone={afterCreate} />;
    case 'unlock':
      return <PassphraseForm mode="unlock" state={state} onDone={onState} />;
    case 'take-over-headless':
      return <TakeOver state={state} onDone={onState} />;
    case 'running':
      return null;
    default:
      throw missingCase(state.phase);
  }
}

function Page({ title, children }: { title: string; children: ReactNode }) {
  return (
    <main className="first-run" aria-labelledby="first-run-title">
      <h1 id="first-run-title">{title}</h1>
      {children}
    </main>
  );
}

type FieldErrors = { passphrase?: string; repeat?: string };

/** Create (passphrase twice, at least 8 characters) or unlock (once); "Remember" where a keyring allows it. */
function PassphraseForm({ mode, state, onDone }: { mode: 'create' | 'unlock'; state: AppState; onDone: (next: AppState) => void }) {
  const bridge = useBridge();
  const [passphrase, setPassphrase] = useState('');
  const [repeat, setRepeat] = useState('');
  const [remember, setRemember] = useState(false);
  const [fieldErrors, setFieldErrors] = useState<FieldErrors>({});
  const [error, setError] = useState<UiError | null>(null);
  const [busy, setBusy] = useState(false);
  const first = useRef<HTMLInputElement>(null);
  const second = useRef<HTMLInputElement>(null);
  // Focus moves after React has put the cleared, enabled field back on the page.
  const [focusNext, setFocusNext] = useState<'first' | 'second' | null>('first');
  useEffect(() => {
    if (focusNext === null || busy) return;
    (focusNext === 'first' ? first : second).current?.focus();
    setFocusNext(null);
  }, [focusNext, busy]);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const invalid = mode === 'create' ? checkNew(passphrase, repeat) : passphrase === '' ? { passphrase: 'Type the store passphrase.' } : null;
    if (invalid !== null) {
      setFieldErrors(invalid);
      if (invalid.passphrase === undefined) setRepeat('');
      setFocusNext(invalid.passphrase === undefined ? 'second' : 'first');
      return;
    }
    const params = { passphrase, remember: state.remember.allowed && remember };
    setPassphrase('');
    setRepeat('');
    setFieldErrors({});
    setError(null);
    setBusy(true);
    try {
      onDone(await (mode === 'create' ? bridge['app.createStore'](params) : bridge['app.unlock'](params)));
    } catch (caught) {
      const shown = toUiError(caught);
      // The daemon's answers about the passphrase itself belong under its field; the rest under the button.
      if (shown.code === 'PASSPHRASE_INCORRECT' || shown.code === 'INVALID_VALUE') setFieldErrors({ passphrase: shown.message });
      else setError(shown);
      setFocusNext('first');
    } finally {
      setBusy(false);
    }
  };

  const whyNoRemember = state.remember.allowed ? undefined : state.remember.why;
  return (
    <Page title={mode === 'create' ? 'Create your secret store' : 'Unlock your secret store'}>
      {mode === 'create' && <p>Choose a passphrase. It encrypts every secret and proves it is you when you change them; nobody can recover it for you.</p>}
      {state.note !== undefined && state.note !== whyNoRemember && <p className="note">{state.note}</p>}
      <form onSubmit={(e) => void submit(e)} noValidate>
        <PasswordField label="Passphrase" value={passphrase} onChange={setPassphrase} error={fieldErrors.passphrase} inputRef={first} disabled={busy} />
        {mode === 'create' && <PasswordField label="Repeat passphrase" value={repeat} onChange={setRepeat} error={fieldErrors.repeat} inputRef={second} disabled={busy} />}
        {state.remember.allowed ? (
          <label className="inline">
            <input type="checkbox" checked={remember} onChange={(e) => setRemember(e.target.checked)} disabled={busy} />
            Remember on this computer
          </label>
        ) : (
          whyNoRemember !== undefined && <p className="muted">{whyNoRemember}</p>
        )}
        <div className="choices">
          <button type="submit" className="primary" disabled={busy}>
            {mode === 'create' ? (busy ? 'Creating…' : 'Create') : busy ? 'Unlocking…' : 'Unlock'}
          </button>
        </div>
        <ErrorNote error={error} />
      </form>
    </Page>
  );
}

function checkNew(passphrase: string, repeat: string): FieldErrors | null {
  if (passphrase.length < MIN_PASSPHRASE_LENGTH) return { passphrase: `A passphrase has at least ${MIN_PASSPHRASE_LENGTH} characters.` };
  if (repeat !== passphrase) return { repeat: 'The two passphrases differ. Type it again.' };
  return null;
}

function PasswordField(props: { label: string; value: string; onChange: (v: string) => void; error: string | undefined; inputRef: RefObject<HTMLInputElement | null>; disabled: boolean }) {
  const id = `field-${props.label.toLowerCase().replace(/\W+/g, '-')}`;
  return (
    <div className="form-row">
      <label htmlFor={id}>{props.label}</label>
      <input
        id={id}
        ref={props.inputRef}
        type="password"
        autoComplete="off"
        spellCheck={false}
        value={props.value}
        disabled={props.disabled}
        aria-invalid={props.error !== undefined}
        aria-describedby={props.error === undefined ? undefined : `${id}-error`}
        onChange={(e) => props.onChange(e.target.value)}
      />
      {props.error !== undefined && (
        <p id={`${id}-error`} className="field-error" role="alert">
          {props.error}
        </p>
      )}
    </div>
  );
}

function TakeOver({ state, onDone }: { state: AppState; onDone: (next: AppState) => void }) {
  const bridge = useBridge();
  const takeOver = useAction(async () => onDone(await bridge['app.takeOver']({})));
  return (
    <Page title="A headless daemon is running">
      {state.note !== undefined && <p className="note">{state.note}</p>}
      <div className="choices">
        <button type="button" className="primary" disabled={takeOver.busy} onClick={() => void takeOver.run()}>
          Stop the headless daemon and run it here
        </button>
      </div>
      <ErrorNote error={takeOver.error} />
    </Page>
  );
}

/** The first run's optional steps; each shows its own answer or error, and Continue goes on. */
function Offers({ offers, onContinue }: { offers: AppState['offers']; onContinue: () => void }) {
  return (
    <Page title="Your store is ready">
      {offers.includes('install-cli') && <InstallCli />}
      {offers.includes('start-at-login') && <StartAtLogin />}
      <div className="choices">
        <button type="button" className="primary" autoFocus onClick={onContinue}>
          Continue
        </button>
      </div>
    </Page>
  );
}

function InstallCli() {
  const bridge = useBridge();
  const [result, setResult] = useState<CliInstall | null>(null);
  const install = useAction(async () => setResult(await bridge['app.installCli']({})));
  return (
    <section className="card">
      <h2>
        Install the <code>secrets</code> command-line tool
      </h2>
      <p>Agents and scripts use it to ask for secrets.</p>
      <button type="button" disabled={install.busy || result?.installed === true} onClick={() => void install.run()}>
        Install the command-line tool
      </button>
      {result !== null && (
        <p role="status">
          {result.installed ? <>Installed at <code>{result.path}</code>.</> : 'Not installed.'}
          {result.hint !== undefined && <> {result.hint}</>}
        </p>
      )}
      <ErrorNote error={install.error} />
    </section>
  );
}

function StartAtLogin() {
  const bridge = useBridge();
  const [enabled, setEnabled] = useState(false);
  const change = useAction(async (wanted: boolean) => setEnabled((await bridge['app.setStartAtLogin']({ enabled: wanted })).enabled));
  return (
    <section className="card">
      <h2>Start at login</h2>
      <label className="inline">
        <input type="checkbox" checked={enabled} disabled={change.busy} onChange={(e) => void change.run(e.target.checked)} />
        Start Agent Secrets when I log in
      </label>
      <ErrorNote error={change.error} />
    </section>
  );
}
