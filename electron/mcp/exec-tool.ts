/**
 * `secrets_exec`: `secrets exec` for a model. The same function runs it (electron/cli/exec/session.ts:
 * one approval request, values in the command's environment only, masked output, the process group
 * registered so a revocation or the killswitch kills it, leases revoked at the end); what differs is
 * only where its output goes: into bounded buffers returned as the tool result, never a terminal.
 */
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import type { ErrorCode } from '../../shared/errors.js';
import { type Stopped, runWithSecrets } from '../cli/exec/session.js';
import { BoundedCapture, type CapturedOutput, OUTPUT_LIMIT_BYTES } from './capture.js';
import { type McpContext, approvalPendingReporter, callSignal } from './context.js';
import { failed, failedWith, succeeded } from './results.js';
import { WANTED_SECRETS_INPUT, wantedSecrets, workingDirectory } from './wanted-secrets.js';

export const DEFAULT_TIMEOUT_S = 120;
export const MAX_TIMEOUT_S = 3600;

const HINTS: Record<Stopped['code'], string> = {
  KILLSWITCH_ENGAGED: 'every lease is refused until the store owner runs: secrets killswitch --disengage; do not retry before that',
  LEASE_REVOKED: 'the person or the agent revoked its access: ask before running it again',
  LEASE_EXPIRED: 'its ttl ran out while it ran: tell the person, and run it again with a longer ttl only if they agree',
  TIMEOUT: `call again with a longer timeout_s (at most ${MAX_TIMEOUT_S}), or make the command finish sooner`,
};

const outputFields = (name: string, output: CapturedOutput) =>
  output.truncated ? { [name]: output.text, [`${name}_truncated`]: true, [`${name}_bytes`]: output.bytes } : { [name]: output.text };

export function registerExecTool(server: McpServer, ctx: McpContext): void {
  server.registerTool(
    'secrets_exec',
    {
      title: 'Run a command with secrets',
      description: [
        'Runs a command with secrets in its environment and returns its exit code, stdout and stderr, with every secret value masked as <secret:NAME> (also its URL-encoded, JSON-escaped, hex and base64 forms).',
        'You never see the values (they are masked in the output, and a value too short to mask is refused): use this instead of reading a secret; do not print a value in a form the mask cannot know (reversed, split, re-encoded). The secrets are those of the .secrets.json in `cwd` (or the nearest parent), or the ones named in `secrets`.',
        'The first use of a secret by this client asks the person to approve (this call waits; see secrets_request to ask ahead of time).',
        `The command is an argv array, run without a shell (use ["sh", "-c", "…"] for one). Output is kept up to ${OUTPUT_LIMIT_BYTES / 1024} KiB per stream (the start and the end; the result says when some was left out).`,
        'It is stopped when its timeout passes, when a lease of it is revoked or expires, or when the killswitch engages; the result is then an error that says why.',
      ].join(' '),
      inputSchema: {
        command: z.array(z.string()).min(1).max(10_000).describe('the program and its arguments, e.g. ["npm", "run", "deploy"]'),
        ...WANTED_SECRETS_INPUT,
        ttl: z.string().optional().describe('lease TTL for every secret, a duration such as 30m (default: each entry\'s ttl, else the daemon\'s default, 1h)'),
        timeout_s: z.number().int().min(1).max(MAX_TIMEOUT_S).optional().describe(`seconds the command may run before it is stopped (default ${DEFAULT_TIMEOUT_S}); the wait for an approval is not counted`),
      },
      annotations: { destructiveHint: true, openWorldHint: true },
    },
    async (input, extra) => {
      const stdout = new BoundedCapture();
      const stderr = new BoundedCapture();
      const outputs = () => ({ ...outputFields('stdout', stdout.result()), ...outputFields('stderr', stderr.result()) });
      try {
        const cwd = workingDirectory(input.cwd);
        const secrets = wantedSecrets(input, cwd);
        const [command, ...args] = input.command;
        const outcome = await ctx.track(runWithSecrets({
          socketPath: ctx.socketPath,
          clientId: ctx.clientId(),
          secrets,
          ttl: input.ttl,
          command: command!,
          args,
          cwd,
          env: process.env as Record<string, string>,
          // This process's stdin is the MCP protocol, and its signals are its own.
          stdin: 'ignore',
          output: { stdout: stdout.push, stderr: stderr.push },
          forwardSignals: false,
          timeoutMs: (input.timeout_s ?? DEFAULT_TIMEOUT_S) * 1000,
          signal: callSignal(ctx, extra),
          onApprovalPending: approvalPendingReporter(ctx, extra),
        }));
        const result = { exit_code: outcome.exitCode, ...outputs(), secrets: secrets.map((s) => s.name), client_id: ctx.clientId() };
        if (outcome.stopped === null) return succeeded(result);
        const code: ErrorCode = outcome.stopped.code;
        return failedWith({ code, message: `the command was stopped: ${outcome.stopped.reason}`, hint: HINTS[outcome.stopped.code] }, result);
      } catch (error) {
        // A command that started and then failed to be supervised may have printed something.
        return failed(error, stdout.result().bytes + stderr.result().bytes > 0 ? outputs() : {});
      }
    },
  );
}
