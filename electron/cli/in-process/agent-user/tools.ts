/**
 * Running the system's user tools (getent, useradd, usermod, userdel, groupadd, groupdel): always an
 * argv, never a shell string, with a fixed PATH and locale so neither the caller's PATH nor its
 * language decides which binary runs or what its messages say.
 */
export interface ToolResult {
  /** null when it could not be started (its error is then in stderr). */
  status: number | null;
  stdout: string;
  stderr: string;
}

export type RunTool = (argv: readonly string[]) => ToolResult;

const TOOL_ENV = { PATH: '/usr/sbin:/usr/bin:/sbin:/bin', LC_ALL: 'C' };

/** Loaded on demand: every cold `secrets lease` would otherwise pay for child_process. */
export async function systemTools(): Promise<RunTool> {
  const { spawnSync } = await import('node:child_process');
  return ([file, ...args]) => {
    const result = spawnSync(file!, args, { encoding: 'utf8', env: TOOL_ENV, stdio: ['ignore', 'pipe', 'pipe'] });
    if (result.error) return { status: null, stdout: '', stderr: result.error.message };
    return { status: result.status, stdout: result.stdout, stderr: result.stderr };
  };
}
