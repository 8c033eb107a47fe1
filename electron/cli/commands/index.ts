/** Every CLI command, in the order `secrets --help` lists them. */
import type { Command } from '../command.js';
import { importCommand } from '../in-process/import.js';
import { init } from '../in-process/init.js';
import { serve } from '../in-process/serve.js';
import { agentUser } from './agent-user.js';
import { approve, clients, deny, requests } from './approvals.js';
import { audit } from './audit.js';
import { exec } from './exec.js';
import { killswitch } from './killswitch.js';
import { mcp } from './mcp.js';
import { cleanup, env } from './project.js';
import { lease, leases, renew, revoke } from './leases.js';
import { scan } from './scan.js';
import { add, list, rm, rotate, set } from './secrets.js';
import { health, status } from './status.js';

export const COMMANDS: readonly Command[] = [init, serve, status, health, add, set, rm, list, rotate, lease, leases, renew, revoke, requests, approve, deny, clients, exec, mcp, env, cleanup, importCommand, scan, agentUser, audit, killswitch];

export function findCommand(name: string): Command | undefined {
  return COMMANDS.find((command) => command.name === name);
}
