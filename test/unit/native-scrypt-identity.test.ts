/**
 * identity.age opened with Node's native scrypt: it must open exactly what age's own scrypt
 * recipient opens, and refuse what it refuses.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Decrypter, Encrypter } from 'age-encryption';
import { NativeScryptIdentity } from '../../electron/daemon/store/native-scrypt-identity.js';

const PASSPHRASE = 'correct hörse battery staple';

async function sealed(workFactor: number, passphrase = PASSPHRASE): Promise<Uint8Array> {
  const encrypter = new Encrypter();
  encrypter.setPassphrase(passphrase);
  encrypter.setScryptWorkFactor(workFactor);
  return encrypter.encrypt('AGE-SECRET-KEY-1EXAMPLE\n');
}

function opener(passphrase: string): Decrypter {
  const decrypter = new Decrypter();
  decrypter.addIdentity(new NativeScryptIdentity(passphrase));
  return decrypter;
}

test("opens what age-encryption's scrypt recipient writes, as age's own identity does", async () => {
  for (const workFactor of [10, 14]) {
    const file = await sealed(workFactor);
    const js = new Decrypter();
    js.addPassphrase(PASSPHRASE);
    assert.equal(await opener(PASSPHRASE).decrypt(file, 'text'), await js.decrypt(file, 'text'));
  }
});

test('a wrong passphrase does not open it (no file key), and nothing is thrown about the stanza', async () => {
  const identity = new NativeScryptIdentity('not the passphrase');
  const file = await sealed(10);
  await assert.rejects(opener('not the passphrase').decrypt(file, 'text'), /no identity matched|failed to decrypt/i);
  // The identity itself says "not mine" (null) rather than throwing.
  const stanza = headerStanza(file);
  assert.equal(await identity.unwrapFileKey([stanza]), null);
});

test("refuses what age refuses: another recipient beside it, a bad salt, a malformed work factor, one too high to derive", async () => {
  const stanza = headerStanza(await sealed(10));
  const identity = new NativeScryptIdentity(PASSPHRASE);
  await assert.rejects(identity.unwrapFileKey([stanza, { args: ['X25519', 'abc'], body: new Uint8Array(32) }]), /not the only one/);
  await assert.rejects(identity.unwrapFileKey([{ ...stanza, args: ['scrypt', 'c2hvcnQ', '10'] }]), /salt/);
  for (const logN of ['0', '010', '1e1', '-3']) await assert.rejects(identity.unwrapFileKey([{ ...stanza, args: ['scrypt', stanza.args[1]!, logN] }]), /invalid scrypt stanza/);
  await assert.rejects(identity.unwrapFileKey([{ ...stanza, args: ['scrypt', stanza.args[1]!, '40'] }]), /too high/);
  await assert.rejects(identity.unwrapFileKey([{ ...stanza, body: stanza.body.subarray(0, 31) }]), /16-byte file key/);
  assert.equal(await identity.unwrapFileKey([{ args: ['X25519', 'abc'], body: new Uint8Array(32) }]), null, 'not a scrypt file: not its business');
});

/** The one stanza of an age file's header, parsed by hand (the format is text up to the MAC line). */
function headerStanza(file: Uint8Array): { args: string[]; body: Uint8Array } {
  const lines = Buffer.from(file).toString('latin1').split('\n');
  const start = lines.findIndex((line) => line.startsWith('-> '));
  const args = lines[start]!.slice(3).split(' ');
  const bodyLines: string[] = [];
  for (let i = start + 1; !lines[i]!.startsWith('---'); i++) bodyLines.push(lines[i]!);
  return { args, body: new Uint8Array(Buffer.from(bodyLines.join(''), 'base64')) };
}
