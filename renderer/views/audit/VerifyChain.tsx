/**
 * "Verify chain": asks the daemon to walk the HMAC chain and says what it found. A broken chain names
 * the first bad entry as a button that shows that entry in the timeline.
 */
import { useState } from 'react';
import type { ResultOf } from '../../../shared/protocol.js';
import { ErrorNote } from '../../components/ErrorNote.js';
import { useAction } from '../../components/use-action.js';
import { useBridge } from '../../store/bridge.js';

type Verdict = ResultOf<'audit.verify'>;

export function VerifyChain({ onShowEntry }: { onShowEntry: (id: number) => void }) {
  const bridge = useBridge();
  const [result, setResult] = useState<Verdict | null>(null);
  const verify = useAction(async () => {
    setResult(null);
    setResult(await bridge['audit.verify']({}));
  });
  return (
    <div className="audit-verify">
      <button type="button" onClick={() => void verify.run()} disabled={verify.busy}>
        {verify.busy ? 'Verifying…' : 'Verify chain'}
      </button>
      <span role="status">{result !== null && <VerdictText result={result} onShowEntry={onShowEntry} />}</span>
      <ErrorNote error={verify.error} onRetry={() => void verify.run()} />
    </div>
  );
}

function VerdictText({ result, onShowEntry }: { result: Verdict; onShowEntry: (id: number) => void }) {
  if (result.ok || result.first_bad === null) {
    return <span className="pill ok">Chain intact: {result.checked.toLocaleString()} {result.checked === 1 ? 'entry' : 'entries'} checked</span>;
  }
  const { id, reason } = result.first_bad;
  return (
    <span className="pill bad">
      Chain broken at entry{' '}
      <button type="button" className="entry-link" onClick={() => onShowEntry(id)} aria-label={`Show entry #${id}`}>
        #{id}
      </button>
      : {reason}
    </span>
  );
}
