/**
 * `sudo secrets agent-user add|remove NAME`: an agent under its own OS user, so the kernel keeps it
 * out of the person's store (Linux). It sets up the OS side only and needs no daemon; the work lives
 * in electron/cli/in-process/agent-user/.
 */
import type * as Execute from '../in-process/agent-user/execute.js';
import { readFacts } from '../in-process/agent-user/facts.js';
import { nextStepsAfterAdd } from '../in-process/agent-user/guidance.js';
import { agentPaths } from '../in-process/agent-user/paths.js';
import { planAdd } from '../in-process/agent-user/plan-add.js';
import { planRemove } from '../in-process/agent-user/plan-remove.js';
import { USAGE_LINE, parseAction, requireLinuxRoot, resolveOwner } from '../in-process/agent-user/request.js';
import { systemTools } from '../in-process/agent-user/tools.js';
import type { Command } from '../command.js';
import { printSuccess } from '../output.js';

interface Report {
  name: string;
  owner: string;
  socket: string;
  steps: { description: string; changed: boolean }[];
  notes: string[];
  next_steps: string[];
}

function render(action: string, report: Report): string {
  return [
    `agent-user ${action} ${report.name} for ${report.owner} (agent socket ${report.socket})`,
    ...report.steps.map((step) => `  ${step.changed ? 'done   ' : 'already'}  ${step.description}`),
    ...report.notes.map((note) => `note: ${note}`),
    ...(report.next_steps.length > 0 ? ['next:', ...report.next_steps.map((step, i) => `  ${i + 1}. ${step}`)] : []),
  ].join('\n');
}

export const agentUser: Command = {
  name: 'agent-user',
  usage: USAGE_LINE,
  summary: 'as root, on Linux: run agents as their own OS user, kept out of your store by the kernel',
  help: [
    'add: makes the group agent-secrets; the system user NAME in it (no login shell, no password, its own ' +
      'group NAME, home /home/NAME); puts you in the group NAME; makes /run/agent-secrets/YOU ' +
      '(you:agent-secrets 02750), where your daemon opens the agent socket, and a tmpfiles.d entry that ' +
      'remakes it at boot. Run again, it changes only what is missing.',
    '--owner USER: the person whose daemon serves the agent (default: SUDO_USER, who ran sudo).',
    'remove: deletes NAME, only a user add would have made (--remove-home: its home too); with your last ' +
      'agent, the directory and its tmpfiles.d entry. The group agent-secrets stays.',
    'Then restart the daemon; the output says how to run the agent and share a project with it.',
    'macOS: see the README section "Agents under their own user" (dscl). Windows: not supported.',
  ].join('\n'),
  example: 'sudo -- secrets agent-user add claude-agent',
  options: { owner: { type: 'string' }, 'remove-home': { type: 'boolean' } },
  args: [2, 2],
  async run(ctx) {
    const asked = parseAction(ctx.positionals, ctx.values['remove-home'] === true);
    requireLinuxRoot(process.platform, process.geteuid?.(), asked);
    const request = { ...asked, owner: resolveOwner(ctx.values.owner as string | undefined, process.env.SUDO_USER, asked.name) };
    const run = await systemTools();
    const facts = readFacts(run, request.name, request.owner);
    const plan = request.action === 'add' ? planAdd(facts, request) : planRemove(facts, request);
    const report: Report = {
      name: request.name,
      owner: request.owner,
      socket: agentPaths(request.owner).socket,
      // Loaded only here: it writes files with the daemon's atomic writer, whose node:crypto every other
      // command would otherwise pay for at start (cli-bundle.test.ts).
      steps: ((await import('../in-process/agent-user/execute.js')) as typeof Execute).executePlan(plan, run),
      notes: plan.notes,
      next_steps: request.action === 'add' ? nextStepsAfterAdd(request.name, request.owner) : [],
    };
    return printSuccess(ctx.mode, `agent-user ${request.action}`, { ...report }, () => render(request.action, report));
  },
};
