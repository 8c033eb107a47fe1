/**
 * The person at the approval prompt during a crash loop: subscribed to the daemon's events, it decides
 * each request by what the requesting client's id says (storm.ts chose it from the seed): `ask-once-…`
 * is allowed once, `ask-grant-…` allowed for an hour (a grant, which must survive the kill once
 * acknowledged), `ask-deny-…` denied. Decisions go through `admin` (a proof, or the app's window).
 */
import { RpcClient } from '../../electron/cli/rpc-client.js';
import type { ApprovalRequestT } from '../../shared/protocol.js';
import type { StormContext } from './storm.js';

export async function startApprover(ctx: StormContext): Promise<() => void> {
  const client = await RpcClient.connect(ctx.target.socket);
  client.onEvent = (event) => {
    if (event.type !== 'approval.requested') return;
    void decide(ctx, (event.data as { request: ApprovalRequestT }).request);
  };
  await client.call('events.subscribe', {});
  return () => client.close();
}

async function decide(ctx: StormContext, request: ApprovalRequestT): Promise<void> {
  const { request_id, client_id } = request;
  try {
    if (client_id.startsWith('ask-deny-')) {
      await ctx.target.admin('requests.deny', { request_id });
      ctx.ledger.count('deny');
    } else if (client_id.startsWith('ask-grant-')) {
      const { grant } = await ctx.target.admin('requests.approve', { request_id, for: '1h', scope: 'secret' });
      if (grant !== null) ctx.ledger.grants.add(grant.grant_id);
      ctx.ledger.count('approve');
    } else {
      await ctx.target.admin('requests.approve', { request_id });
      ctx.ledger.count('approve');
    }
  } catch (error) {
    // The request may have been withdrawn (its client gone) or the daemon killed: not a finding.
    if (!ctx.killing && (error as { code?: string }).code !== 'REQUEST_NOT_FOUND') {
      ctx.ledger.unexpected.push(`cycle ${ctx.cycle}: deciding ${request_id} for ${client_id}: ${(error as Error).message}`);
    }
  }
}
