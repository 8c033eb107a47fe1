/**
 * Who is asking, in two boxes kept visibly apart: what the daemon verified itself (the kernel's peer
 * credentials and /proc) and what the client merely says about itself. Approvals are bound to the
 * verified launcher, so that is what a person should judge by; the client id can be anything.
 */
import { useId } from 'react';
import type { VerifiedCallerT } from '../../../shared/protocol.js';

const commandLine = (argv: readonly string[]) => (argv.length === 0 ? '—' : argv.join(' '));

/** The box headings sit one level below the heading of what they are shown in (window or card). */
export type HeadingLevel = 2 | 3 | 4;

export function VerifiedFacts({ caller, level = 2 }: { caller: VerifiedCallerT | null; level?: HeadingLevel }) {
  const heading = useId();
  const H = `h${level}` as const;
  return (
    <section className="verified" aria-labelledby={heading}>
      <H id={heading}>Verified by the daemon</H>
      {caller === null ? (
        <p className="unverified">The daemon could not verify the caller: nothing about who is asking is confirmed.</p>
      ) : (
        <>
          {/* Another user's agent: the kernel vouches for its user, not for what its program is. */}
          {caller.limited !== null && <p className="unverified">Another user’s process: {caller.limited}.</p>}
          <dl className="facts">
            <dt>User</dt>
            <dd>
              {caller.user === null ? <span className="muted">no name</span> : <strong>{caller.user}</strong>} (uid {caller.uid})
            </dd>
            <dt>Launcher</dt>
            <dd className="mono">{caller.launcher}</dd>
            <dt>Executable</dt>
            <dd className="mono">{caller.exe ?? (caller.limited !== null ? 'not readable (another user)' : 'unknown')}</dd>
            <dt>Process id</dt>
            <dd>{caller.pid}</dd>
            <dt>Working directory</dt>
            <dd className="mono">{caller.cwd ?? (caller.limited !== null ? 'not readable (another user)' : 'unknown')}</dd>
            {/* Last with the parent chain: the two facts that can run long are clamped on screen. */}
            <dt>Command line</dt>
            <dd className="mono command-line">{commandLine(caller.argv)}</dd>
            <dt>Started by</dt>
            <dd>
              {caller.parents.length === 0 ? (
                'no parent processes found'
              ) : (
                // Focusable: in the approval window the chain scrolls in a box of its own.
                <ol className="parent-chain" aria-label="Parent processes, nearest first" tabIndex={0}>
                  {caller.parents.map((parent) => (
                    <li key={parent.pid} className="mono">
                      {parent.pid} {parent.exe ?? 'unknown'}
                      {parent.argv.length > 0 && <span className="muted"> ({commandLine(parent.argv)})</span>}
                    </li>
                  ))}
                </ol>
              )}
            </dd>
          </dl>
        </>
      )}
    </section>
  );
}

/** What the client reports about itself: shown, but labelled as unverified. */
export function ClaimedFacts({ clientId, reportedPid, level = 2 }: { clientId: string; reportedPid: number | null; level?: HeadingLevel }) {
  const heading = useId();
  const H = `h${level}` as const;
  return (
    <section className="claimed" aria-labelledby={heading}>
      <H id={heading}>Claimed by the client (not verified)</H>
      <dl className="facts">
        <dt>Client id</dt>
        <dd className="mono">{clientId}</dd>
        <dt>Reported pid</dt>
        <dd>{reportedPid ?? 'not reported'}</dd>
      </dl>
    </section>
  );
}
