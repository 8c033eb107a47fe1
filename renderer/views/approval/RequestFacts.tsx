/** What a lease request asks for and why: the same facts in the approval window and the dashboard. */
import type { ApprovalRequestT } from '../../../shared/protocol.js';

/** The plain sentence a person reads first: "claude-code wants github_token, npm_token". */
export function requestHeadline(request: ApprovalRequestT): string {
  return `${request.client_id} wants ${request.secret_names.join(', ')}`;
}

export function RequestFacts({ request }: { request: ApprovalRequestT }) {
  return (
    <dl className="facts">
      <dt>Why you are asked</dt>
      <dd>{request.reason}</dd>
      <dt>{request.secret_names.length === 1 ? 'Secret' : 'Secrets'}</dt>
      <dd>
        {request.secret_names.map((name) => (
          <span key={name} className="tag mono">
            {name}
          </span>
        ))}
      </dd>
      <dt>Lease time</dt>
      <dd>{request.ttl}</dd>
      {request.env_file !== null && (
        <>
          <dt>Written to file</dt>
          <dd className="mono">{request.env_file}</dd>
        </>
      )}
    </dl>
  );
}
