/**
 * Named loggers writing one line per record to stderr. Callers pass names, ids and counts, never
 * secret values: nothing here redacts, so nothing sensitive may be handed to it.
 */
import { writeSync } from 'node:fs';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

export type LogSink = (line: string) => void;

let threshold: LogLevel = (process.env.AGENT_SECRETS_LOG_LEVEL as LogLevel) in ORDER ? (process.env.AGENT_SECRETS_LOG_LEVEL as LogLevel) : 'info';
/**
 * Written straight to fd 2, not through process.stderr: the background daemon's stderr is daemon.log,
 * and a write to a file stream that fails (a full or read-only disk) is an 'error' event that nobody
 * handles, which would end the daemon. Here the line is lost instead, and the next one tries again.
 */
let sink: LogSink = (line) => {
  try {
    writeSync(2, line + '\n');
  } catch {
    // Nowhere left to say it.
  }
};

export function configureLogging(options: { level?: LogLevel; sink?: LogSink }): void {
  if (options.level) threshold = options.level;
  if (options.sink) sink = options.sink;
}

export function createLogger(name: string): Logger {
  const log = (level: LogLevel, message: string, fields?: Record<string, unknown>) => {
    if (ORDER[level] < ORDER[threshold]) return;
    const extra = fields ? ' ' + JSON.stringify(fields) : '';
    sink(`${new Date().toISOString()} ${level.toUpperCase().padEnd(5)} [${name}] ${message}${extra}`);
  };
  return {
    debug: (m, f) => log('debug', m, f),
    info: (m, f) => log('info', m, f),
    warn: (m, f) => log('warn', m, f),
    error: (m, f) => log('error', m, f),
  };
}
