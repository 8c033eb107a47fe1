/**
 * `secrets exec [--no-mask] [--ttl DUR] [--client-id ID] -- CMD ARGS…`: lease every secret of
 * .secrets.json as one approval request, run CMD with them in its environment only, mask them in its
 * output, and end its access with it. When a lease is revoked or expires, or the killswitch engages,
 * the daemon terminates the command's process group and this exits with EXIT_ACCESS_ENDED.
 */
import type { ApprovalRequestT } from '../../../shared/protocol.js';
import { CLIENT_ID_OPTION, type Command } from '../command.js';
import { deriveClientId } from '../client-id.js';
import { runWithSecrets } from '../exec/session.js';
import { fdSink } from '../exec/supervisor.js';
import { loadProjectConfig } from '../project-config.js';
import { tellPersonAboutPending } from './leases.js';

/** The command lost its secrets: a lease was revoked or expired, or the killswitch engaged. */
export const EXIT_ACCESS_ENDED = 79;

export const exec: Command = {
  name: 'exec',
  usage: 'exec [--no-mask] [--ttl DUR] [--client-id ID] -- CMD [ARGS…]',
  summary: 'run a command with the .secrets.json secrets in its environment, masked in its output',
  help: `Reads .secrets.json (the nearest up the tree): {"secrets": [{"name": "github_token", "env_var": "GITHUB_TOKEN", "ttl": "30m"}], "client_id": "my-project"}. Leases them all as one request (the first time, the person approves it), runs CMD with them as environment variables, masks them in its output, revokes them when it exits. Exit: CMD's own code; 79 if its access ended while it ran (revoked, expired, killswitch); else as secrets --help says.`,
  example: 'secrets exec --client-id my-agent -- npm test',
  args: [1, 10_000],
  options: { 'no-mask': { type: 'boolean' }, ttl: { type: 'string' }, ...CLIENT_ID_OPTION },
  async run(ctx) {
    const [command, ...args] = ctx.positionals;
    const project = loadProjectConfig();
    const { exitCode, stopped } = await runWithSecrets({
      socketPath: ctx.socketPath,
      clientId: (ctx.values['client-id'] as string | undefined) ?? project.client_id ?? deriveClientId(),
      secrets: project.secrets,
      ttl: ctx.values.ttl as string | undefined,
      command: command!,
      args,
      env: process.env as Record<string, string>,
      // The command stands in for exec: the terminal's stdin, and exec's signals forwarded to it.
      stdin: 'inherit',
      output: ctx.values['no-mask'] ? 'unmasked' : { stdout: fdSink(1), stderr: fdSink(2) },
      forwardSignals: true,
      onApprovalPending: (request: ApprovalRequestT) => tellPersonAboutPending(request),
    });
    if (stopped === null) return exitCode;
    // Someone ended its access on purpose (or its TTL did): running it again is the person's call.
    process.stderr.write(`secrets: error: the command was stopped: ${stopped.reason}\nsecrets: hint: do not run it again on your own: tell the person why it stopped; secrets status shows whether the killswitch is engaged\n`);
    return EXIT_ACCESS_ENDED;
  },
};
