/**
 * "No unhandled rejection": a fuzz test file records every unhandled rejection and uncaught
 * exception while it runs, and asserts at the end that there were none (node:test would only report
 * them against whichever test happened to be running, or not at all once the file's tests ended).
 */
export interface UnhandledCollector {
  readonly seen: string[];
  stop(): void;
}

export function collectUnhandled(): UnhandledCollector {
  const seen: string[] = [];
  const onRejection = (reason: unknown) => seen.push(`unhandledRejection: ${reason instanceof Error ? (reason.stack ?? reason.message) : String(reason)}`);
  const onException = (error: Error) => seen.push(`uncaughtException: ${error.stack ?? error.message}`);
  process.on('unhandledRejection', onRejection);
  process.on('uncaughtException', onException);
  return {
    seen,
    stop() {
      process.off('unhandledRejection', onRejection);
      process.off('uncaughtException', onException);
    },
  };
}
