/**
 * The dashboard's header: what state the daemon is in (store, protection, killswitch, heartbeat,
 * approvals waiting), its warnings, and the big red KILLSWITCH button.
 *
 * The button engages on one click, with no dialog, and works whatever the status slice says (loading,
 * failed): it is the emergency path. Disengaging is the opposite — it lets agents lease again — so it
 * takes a second, explicit step in the engaged banner.
 */
import { useEffect, useState } from 'react';
import type { StatusT } from '../../shared/protocol.js';
import { ConfirmButton } from '../components/ConfirmButton.js';
import { ErrorNote } from '../components/ErrorNote.js';
import { formatTime } from '../components/format.js';
import { useAction } from '../components/use-action.js';
import { useBridge } from '../store/bridge.js';
import { useDaemon, useStore } from '../store/use-daemon.js';

export function Header() {
  const status = useDaemon((s) => s.status);
  const store = useStore();
  const ready = status.state === 'ready' ? status.data : null;
  return (
    <>
      <header className="header">
        <h1>Agent Secrets</h1>
        {status.state === 'loading' && (
          <p role="status" className="loading states">
            Loading status…
          </p>
        )}
        {status.state === 'error' && (
          <div className="states">
            <ErrorNote error={status.error} onRetry={() => void store.reload('status')} />
          </div>
        )}
        {ready !== null && <StatePills status={ready} />}
        <KillswitchButton engaged={ready?.killswitch.engaged === true} />
      </header>
      {ready?.killswitch.engaged === true && <EngagedBanner killswitch={ready.killswitch} />}
      {ready !== null && <Warnings status={ready} />}
    </>
  );
}

type Tone = 'ok' | 'warn' | 'bad' | null;
type Pill = { text: string; tone: Tone; title?: string };

/**
 * The header's state pills, as words (never colour alone): a pure function of status and of config's
 * heartbeat threshold (`status` has only the failures in a row; null when unknown).
 */
export function statePills(status: StatusT, threshold: number | null = null): Pill[] {
  const pending = status.approvals.pending;
  return [
    status.locked ? { text: 'Store locked', tone: 'bad' } : { text: 'Store unlocked', tone: 'ok' },
    status.protection === 'passphrase'
      ? { text: 'Passphrase', tone: null, title: 'The store key is encrypted with your passphrase' }
      : { text: 'Insecure key file', tone: 'bad', title: 'The store key is a plaintext file: anything running as you can read every secret' },
    status.killswitch.engaged ? { text: 'Killswitch engaged', tone: 'bad' } : { text: 'Killswitch off', tone: 'ok' },
    heartbeatPill(status.heartbeat, threshold),
    pending > 0 ? { text: `${pending} ${pending === 1 ? 'approval' : 'approvals'} pending`, tone: 'warn' } : { text: 'No approvals pending', tone: null },
  ];
}

/** Failures in a row of an enabled heartbeat that has not triggered yet; 0 otherwise. */
function failingCount(heartbeat: StatusT['heartbeat']): number {
  return heartbeat.enabled && heartbeat.triggered !== true ? (heartbeat.consecutive_failures ?? 0) : 0;
}

function heartbeatPill(heartbeat: StatusT['heartbeat'], threshold: number | null): Pill {
  if (!heartbeat.enabled) return { text: 'Heartbeat off', tone: null };
  if (heartbeat.triggered === true) return { text: 'Heartbeat triggered', tone: 'bad' };
  const failures = failingCount(heartbeat);
  if (failures === 0) return { text: 'Heartbeat ok', tone: 'ok' };
  const last = heartbeat.last_failure ? { title: `Last failure ${formatTime(heartbeat.last_failure)}` } : {};
  return { text: threshold === null ? `Heartbeat failing (${failures} in a row)` : `Heartbeat failing (${failures} of ${threshold})`, tone: 'warn', ...last };
}

function StatePills({ status }: { status: StatusT }) {
  const threshold = useFailureThreshold(failingCount(status.heartbeat) > 0);
  return (
    <ul className="states" aria-label="State">
      {statePills(status, threshold).map((pill) => (
        <li key={pill.text} className={pill.tone === null ? 'pill' : `pill ${pill.tone}`} title={pill.title}>
          {pill.text}
        </li>
      ))}
    </ul>
  );
}

/**
 * config.json's heartbeat.failures_before_trigger, for "failing 2 of 3". Asked when the heartbeat starts
 * failing, the only time it is shown; null while unknown, when it cannot be read, or when a heartbeat
 * change waits for a restart (the running threshold may then differ).
 */
function useFailureThreshold(failing: boolean): number | null {
  const bridge = useBridge();
  const [threshold, setThreshold] = useState<number | null>(null);
  useEffect(() => {
    if (!failing) return;
    let current = true;
    bridge['config.get']({}).then(
      (answer) => current && setThreshold(answer.restart_needed.some((key) => key.startsWith('heartbeat')) ? null : answer.config.heartbeat.failures_before_trigger),
      () => current && setThreshold(null),
    );
    return () => void (current = false);
  }, [bridge, failing]);
  return failing ? threshold : null;
}

/**
 * Engaging again while engaged stays possible: a killswitch pulled as "Lock" (revoke: false) leaves
 * leases running, and this button then revokes them.
 */
function KillswitchButton({ engaged }: { engaged: boolean }) {
  const bridge = useBridge();
  const store = useStore();
  const engage = useAction(async () => {
    await bridge['killswitch.engage']({ reason: 'dashboard button' });
    // The engaged event reloads status too; asking now shows the banner even if that event is late.
    await store.reload('status');
  });
  return (
    <div className="killswitch-control">
      <button
        type="button"
        className={engaged ? 'killswitch engaged' : 'killswitch'}
        aria-label={engaged ? 'Killswitch engaged' : undefined}
        aria-busy={engage.busy}
        title={engaged ? 'Engaged. Press again to revoke any lease still active.' : 'Revoke every lease, stop supervised processes, delete env files, lock — now, without asking'}
        onClick={() => void engage.run()}
      >
        {engaged ? 'Engaged' : 'KILLSWITCH'}
      </button>
      <ErrorNote error={engage.error} />
    </div>
  );
}

function EngagedBanner({ killswitch }: { killswitch: StatusT['killswitch'] }) {
  const bridge = useBridge();
  const store = useStore();
  const disengage = useAction(async () => {
    await bridge['killswitch.disengage']({});
    await store.reload('status');
  });
  const when = killswitch.changed_at === null ? '' : ` ${formatTime(killswitch.changed_at)}`;
  const why = killswitch.reason === null ? '' : ` — ${killswitch.reason}`;
  return (
    <div className="engaged-banner" role="alert">
      <p>
        Killswitch engaged{when}
        {why}. No agent can lease.
      </p>
      <ConfirmButton label="Disengage…" confirmLabel="Disengage" question="Disengage the killswitch? Agents can ask for secrets again." disabled={disengage.busy} onConfirm={() => void disengage.run()} />
      <ErrorNote error={disengage.error} />
    </div>
  );
}

function Warnings({ status }: { status: StatusT }) {
  // The killswitch warning repeats the banner, which already says it with its reason.
  const warnings = status.warnings.filter((w) => !(status.killswitch.engaged && w.startsWith('the killswitch is engaged')));
  if (warnings.length === 0) return null;
  return (
    <ul className="header-warnings" aria-label="Warnings">
      {warnings.map((warning) => (
        <li key={warning}>{warning}</li>
      ))}
    </ul>
  );
}
