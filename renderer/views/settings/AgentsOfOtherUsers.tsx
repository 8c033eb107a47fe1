/**
 * Agents under their own OS user (README "Agents under their own OS user"): whether the daemon serves
 * the agent socket, and if not, why or how to set it up. Read from `status` (the daemon opens the
 * socket at start); set up from a terminal, since it needs root.
 */
import { Command } from '../../components/Command.js';
import { useDaemon } from '../../store/use-daemon.js';

export function AgentsOfOtherUsers() {
  const socket = useDaemon((s) => (s.status.state === 'ready' ? s.status.data.agent_socket : undefined));
  if (socket === undefined) return null;
  return (
    <fieldset className="agents-of-other-users">
      <legend>Agents under their own OS user</legend>
      {socket === null ? (
        <>
          <p>
            Agents that run as their own OS user cannot read your store at all: the kernel keeps them out, and they get agent rights only. To set one up, run
            this in a terminal, then restart Agent Secrets:
          </p>
          <Command text="sudo secrets agent-user add claude-agent" />
        </>
      ) : socket.serving ? (
        <p role="status">
          Serving agents of other users on <code>{socket.path}</code>.
        </p>
      ) : (
        <p className="note warn" role="alert">
          The agent socket <code>{socket.path}</code> is not serving: {socket.problem}
        </p>
      )}
    </fieldset>
  );
}
