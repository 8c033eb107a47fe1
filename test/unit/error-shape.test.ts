/**
 * What an error says to the caller, on the CLI (stderr and the JSON envelope) and in an MCP tool error:
 * a DaemonError keeps its code, message and hint; anything else is a bug, INTERNAL, and its message —
 * which may quote a file's line, a path or a value — never reaches the caller.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DaemonError } from '../../shared/errors.js';
import { toErrorShape } from '../../electron/cli/output.js';
import { failed } from '../../electron/mcp/results.js';

const LEAKY = 'ghp_ThisLooksLikeATokenFromALine0123';

describe('toErrorShape', () => {
  test('a DaemonError keeps its code, message and hint', () => {
    assert.deepEqual(toErrorShape(new DaemonError('SECRET_NOT_FOUND', 'secret "x" not found', 'secrets list')), { code: 'SECRET_NOT_FOUND', message: 'secret "x" not found', hint: 'secrets list' });
  });

  test('a typed local failure keeps its message, INTERNAL or not (agent-user names the step that failed)', () => {
    const shape = toErrorShape(new DaemonError('INTERNAL', 'could not create the group agent-secrets: groupadd exited 9', 'fix the cause and run it again'));
    assert.equal(shape.message, 'could not create the group agent-secrets: groupadd exited 9');
  });

  test("a DaemonError from another bundle (same name, a known code) is still typed", () => {
    const foreign = Object.assign(new Error('the store is locked'), { name: 'DaemonError', code: 'LOCKED', hint: 'secrets status' });
    assert.deepEqual(toErrorShape(foreign), { code: 'LOCKED', message: 'the store is locked', hint: 'secrets status' });
  });

  test('any other error is INTERNAL with a generic message that says what to do, never its own message', () => {
    for (const error of [
      new SyntaxError(`Unexpected token in JSON at position 3: "${LEAKY}"`),
      new TypeError(`Cannot read properties of undefined (reading '${LEAKY}')`),
      Object.assign(new Error(`EACCES: permission denied, open '/home/me/${LEAKY}/.env'`), { code: 'EACCES' }),
      LEAKY,
      { message: LEAKY },
      Object.assign(new Error(LEAKY), { name: LEAKY + ' with spaces', code: LEAKY }),
    ]) {
      const shape = toErrorShape(error);
      assert.equal(shape.code, 'INTERNAL');
      assert.match(shape.message, /^unexpected error in secrets \(\w+\)/);
      assert.match(shape.hint!, /run the same command again/);
      assert.ok(!JSON.stringify(shape).includes(LEAKY), `${JSON.stringify(shape)} quotes the error`);
    }
  });

  test('its kind is said when it cannot carry data: an errno code or an error class', () => {
    assert.match(toErrorShape(Object.assign(new Error('x'), { code: 'EACCES' })).message, /\(EACCES\)/);
    assert.match(toErrorShape(new TypeError('x')).message, /\(TypeError\)/);
    assert.match(toErrorShape('x').message, /\(unknown\)/);
  });
});

test('an MCP tool error from an unexpected error holds the generic message only', () => {
  const result = failed(new Error(`failed near ${LEAKY}`));
  assert.equal(result.isError, true);
  const text = (result.content[0] as { text: string }).text;
  assert.ok(!text.includes(LEAKY));
  assert.equal(JSON.parse(text).error.code, 'INTERNAL');
});
