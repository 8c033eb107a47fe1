/** What the person does after `agent-user add`: the command can set up the OS, not restart their daemon. */
import { agentPaths } from './paths.js';

export function nextStepsAfterAdd(name: string, owner: string): string[] {
  const { socket } = agentPaths(owner);
  return [
    `restart the daemon or the tray app (as ${owner}): it opens ${socket} at start when its directory exists`,
    `log in again (or run: newgrp ${name}) so ${owner}'s shells are in the group ${name}`,
    `run an agent as ${name}: sudo -H -u ${name} -- claude …  (the secrets CLI there finds the agent socket itself; ` +
      `to name it: sudo -H -u ${name} -- env AGENT_SECRETS_SOCKET=${socket} claude …)`,
    `share a project DIR with it: chgrp -R ${name} DIR && chmod -R g+rwX DIR && find DIR -type d -exec chmod g+s {} +  ` +
      `(the directories above DIR must let ${name} through)`,
    `run the agent with umask 002, so what it creates stays writable for ${owner}: sudo -H -u ${name} -- sh -c 'umask 002 && exec claude'`,
  ];
}
