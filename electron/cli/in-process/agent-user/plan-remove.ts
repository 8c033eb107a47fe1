/**
 * `agent-user remove`: deletes an agent user that agent-user would have made, and, when it was the
 * person's last agent, the socket directory's boot entry and the directory (unless the daemon still
 * listens in it). The group agent-secrets stays: other people's agents may be in it.
 */
import { DaemonError } from '../../../../shared/errors.js';
import { AGENT_GROUP } from '../../../../shared/locations.js';
import type { Account } from '../../../daemon/callers/os-accounts.js';
import { type SystemFacts, groupNamed } from './facts.js';
import { type AgentPaths, agentPaths } from './paths.js';
import { type Plan, type Step, already, isAgentAccount, runStep } from './plan.js';
import type { AgentUserRequest } from './request.js';

/** The person's agents: members of agent-secrets whose own group the person is in (add puts them there). */
export function agentsOf(facts: Pick<SystemFacts, 'groups'>, owner: string): string[] {
  const members = groupNamed(facts, AGENT_GROUP)?.members ?? [];
  return members.filter((member) => groupNamed(facts, member)?.members.includes(owner));
}

/**
 * userdel keeps the user's own group when someone else (the person) is in it, or when login.defs
 * says user groups are not managed: then it is deleted here, and the person's membership with it.
 */
function userSteps(facts: SystemFacts, agent: Account, removeHome: boolean): Step[] {
  const home = removeHome ? `and its home ${agent.home}` : `(its home ${agent.home} stays)`;
  const steps = [runStep(`delete the user ${agent.name} ${home}`, ['userdel', ...(removeHome ? ['--remove'] : []), agent.name])];
  const own = groupNamed(facts, agent.name);
  const userdelKeepsIt = !facts.userGroupsEnabled || own?.members.some((member) => member !== agent.name);
  if (own?.gid === agent.gid && userdelKeepsIt) steps.push(runStep(`delete its group ${agent.name}`, ['groupdel', agent.name]));
  return steps;
}

const removeStep = (path: string, why = ''): Step => ({ description: `remove ${path}${why}`, action: { kind: 'remove', path } });

function socketSteps(facts: SystemFacts, paths: AgentPaths, notes: string[]): Step[] {
  const steps = [facts.tmpfiles === null ? already(`there is no ${paths.tmpfiles}`) : removeStep(paths.tmpfiles)];
  if (facts.socketDir === null) steps.push(already(`there is no ${paths.dir}`));
  else if (facts.socketDir.kind !== 'dir') notes.push(`left ${paths.dir} alone: it is not a directory`);
  else if (facts.liveSocket) {
    notes.push(`left ${paths.dir}: the daemon still listens on ${paths.socket}; stop the daemon (or quit the tray app), run this again to remove it, then start the daemon`);
  } else steps.push(removeStep(paths.dir, ' (no live socket in it)'));
  return steps;
}

/** @throws DaemonError DENIED when NAME is not an account agent-user would have made. */
export function planRemove(facts: SystemFacts, request: Pick<AgentUserRequest, 'name' | 'owner' | 'removeHome'>): Plan {
  const { name, owner, removeHome } = request;
  const agent = facts.agent;
  const notes: string[] = [];
  const steps: Step[] = [];
  if (agent === null) steps.push(already(`there is no user ${name}`));
  else {
    if (!isAgentAccount(facts, agent)) {
      throw new DaemonError('DENIED', `${name} is not an agent user (not in ${AGENT_GROUP}, or it can log in): agent-user does not delete it`, 'delete other accounts with userdel yourself');
    }
    steps.push(...userSteps(facts, agent, removeHome));
    notes.push(`files ${name} made keep its uid ${agent.uid} and gid ${agent.gid}: chown them before a new user gets those numbers`);
  }
  const paths = agentPaths(owner);
  const others = agentsOf(facts, owner).filter((member) => member !== name);
  if (others.length > 0) notes.push(`kept ${paths.dir} and ${paths.tmpfiles}: ${owner}'s other agents (${others.join(', ')}) use them`);
  else steps.push(...socketSteps(facts, paths, notes));
  notes.push(`kept the group ${AGENT_GROUP}: other people's agents may be in it (when none are: groupdel ${AGENT_GROUP})`);
  return { steps, notes };
}
