/**
 * Asking a person: a hidden prompt on the controlling terminal (/dev/tty), so it works even when
 * stdin carries a piped value. A process without a terminal (an agent, a test) is never asked.
 */
import { openSync, closeSync, writeSync } from 'node:fs';

/** Resolves null when there is no terminal to ask on. */
export async function promptHidden(question: string): Promise<string | null> {
  let fd: number;
  try {
    fd = openSync('/dev/tty', 'r+');
  } catch {
    return null;
  }
  // Loaded here, not at the top: `tty` costs every cold CLI start a few milliseconds.
  const { ReadStream } = await import('node:tty');
  const input = new ReadStream(fd);
  writeSync(fd, question);
  input.setRawMode(true);
  return new Promise((resolve) => {
    let answer = '';
    const finish = (value: string | null) => {
      input.setRawMode(false);
      input.removeAllListeners('data');
      writeSync(fd, '\n');
      input.destroy();
      try {
        closeSync(fd);
      } catch {
        // The stream may have closed it already.
      }
      resolve(value);
    };
    input.on('data', (chunk: Buffer) => {
      for (const char of chunk.toString('utf8')) {
        if (char === '\r' || char === '\n') return finish(answer);
        if (char === '\u0003') return finish(null);
        if (char === '\u007f' || char === '\b') answer = answer.slice(0, -1);
        else answer += char;
      }
    });
  });
}
