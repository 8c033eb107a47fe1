/**
 * `agent-user add`: the steps that give an agent its own OS user and the person an agent socket
 * directory, from facts alone. Each step is planned only when it is missing, so running it again
 * changes nothing and says what was already there.
 */
import { DaemonError } from '../../../../shared/errors.js';
import { AGENT_GROUP } from '../../../../shared/locations.js';
import type { Account } from '../../../daemon/callers/os-accounts.js';
import { type SystemFacts, groupNamed, isNoLoginShell } from './facts.js';
import { agentHome, agentPaths } from './paths.js';
import { type Plan, type Step, already, dirStep, isAgentAccount, runStep } from './plan.js';
import type { AgentUserRequest } from './request.js';

/** The directory's group may enter it but not write: an agent can reach the socket, never replace it. */
export const SOCKET_DIR_MODE = 0o2750;

export function tmpfilesEntry(owner: string): string {
  const { dir } = agentPaths(owner);
  return [
    `# Written by \`secrets agent-user add\` (Agent Secrets): remakes ${owner}'s agent socket directory at boot.`,
    `d ${dir} ${SOCKET_DIR_MODE.toString(8)} ${owner} ${AGENT_GROUP} -`,
    '',
  ].join('\n');
}

const refuse = (message: string) => new DaemonError('DENIED', message, 'choose another NAME for the agent, e.g. claude-agent');

/** @throws DaemonError USAGE when the person has no account here or is root under another name. */
function requirePerson(owner: Account | null, name: string): Account {
  if (owner === null) throw new DaemonError('USAGE', `there is no user "${name}" on this system`, 'add --owner PERSON with the login name of the person who runs the daemon');
  if (owner.uid === 0) throw new DaemonError('USAGE', `${name} is root (uid 0): the owner is the person who runs the daemon`, 'add --owner PERSON');
  return owner;
}

/**
 * An existing user is made an agent only when nobody logs in as it and it is not a service's account.
 * @throws DaemonError DENIED otherwise.
 */
function refuseTakeover(facts: SystemFacts, agent: Account): void {
  if (isAgentAccount(facts, agent)) return;
  if (agent.uid === 0) throw refuse(`${agent.name} has uid 0`);
  if (!isNoLoginShell(agent.shell)) throw refuse(`${agent.name} is an existing user with a login shell (${agent.shell}): agent-user does not take over a real account`);
  if (agent.uid < facts.uidMin) throw refuse(`${agent.name} is a system account (uid ${agent.uid}) that agent-user did not create`);
  if (groupNamed(facts, agent.name)?.gid !== agent.gid) {
    throw refuse(`${agent.name} exists, but its primary group is not a group of its own named ${agent.name}, so what it makes could not be shared through it`);
  }
}

function userSteps(facts: SystemFacts, name: string): Step[] {
  const agent = facts.agent;
  if (agent === null) {
    const home = agentHome(name);
    return [
      runStep(`create the user ${name}: no login shell, no password, home ${home}, its own group ${name}, member of ${AGENT_GROUP}`, [
        'useradd', '--system', '--shell', facts.noLoginShell, '--home-dir', home, '--create-home', '--user-group', '--groups', AGENT_GROUP, name,
      ]),
    ];
  }
  return [
    already(`the user ${name} exists (shell ${agent.shell}, home ${agent.home})`),
    groupNamed(facts, AGENT_GROUP)?.members.includes(name)
      ? already(`${name} is in the group ${AGENT_GROUP}`)
      : runStep(`add ${name} to the group ${AGENT_GROUP}`, ['usermod', '-aG', AGENT_GROUP, name]),
  ];
}

/**
 * @throws DaemonError USAGE (no such person), DENIED (NAME is a real or a service account),
 * UNSAFE_PERMISSIONS (something other than a directory where the socket directory goes).
 */
export function planAdd(facts: SystemFacts, request: Pick<AgentUserRequest, 'name' | 'owner'>): Plan {
  const { name, owner } = request;
  const person = requirePerson(facts.owner, owner);
  if (facts.agent) refuseTakeover(facts, facts.agent);
  const agentGroup = groupNamed(facts, AGENT_GROUP);
  const paths = agentPaths(owner);
  const entry = tmpfilesEntry(owner);
  const steps: Step[] = [
    agentGroup ? already(`the group ${AGENT_GROUP} exists`) : runStep(`create the group ${AGENT_GROUP}`, ['groupadd', '--system', AGENT_GROUP]),
    ...userSteps(facts, name),
    groupNamed(facts, name)?.members.includes(owner)
      ? already(`${owner} is in the group ${name}`)
      : runStep(`add ${owner} to the group ${name}, so what the agent makes in a shared project stays theirs`, ['usermod', '-aG', name, owner]),
    dirStep(facts.socketRoot, paths.root, { owner: 'root', group: 'root', uid: 0, gid: 0, mode: 0o755 }),
    dirStep(facts.socketDir, paths.dir, { owner, group: AGENT_GROUP, uid: person.uid, gid: agentGroup?.gid, mode: SOCKET_DIR_MODE }),
    facts.tmpfiles === entry
      ? already(`${paths.tmpfiles} is written`)
      : { description: `write ${paths.tmpfiles}, so ${paths.dir} comes back after a reboot`, action: { kind: 'write', path: paths.tmpfiles, content: entry, mode: 0o644 } },
  ];
  // useradd keeps a home that is there already, with the owner it had: saying so beats a silent chown -R.
  const leftHome = facts.agent === null ? facts.agentHome : null;
  const home = agentHome(name);
  const notes = leftHome ? [`${home} was there already (uid ${leftHome.uid}); if it was an earlier agent's, give it to ${name}: chown -R ${name}: ${home}`] : [];
  return { steps, notes };
}
