/**
 * age encryption and decryption through streams we drain ourselves. typage's byte/string entry
 * points drain through `new Response(stream)`, which loads Node's fetch implementation: ~12 MB of
 * resident memory, a sixth of the daemon's budget, for reading a few hundred bytes.
 */
import type { Decrypter, Encrypter } from 'age-encryption';

const encoder = new TextEncoder();
const strictDecoder = new TextDecoder('utf-8', { fatal: true });

function streamOf(bytes: Uint8Array): ReadableStream<Uint8Array> {
  return new ReadableStream({
    start(controller) {
      controller.enqueue(bytes);
      controller.close();
    },
  });
}

async function drain(stream: ReadableStream<Uint8Array>): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  let length = 0;
  const reader = stream.getReader();
  for (let next = await reader.read(); !next.done; next = await reader.read()) {
    chunks.push(next.value);
    length += next.value.length;
  }
  const out = new Uint8Array(length);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.length;
  }
  return out;
}

export async function ageEncrypt(encrypter: Encrypter, plaintext: string): Promise<Uint8Array> {
  return drain(await encrypter.encrypt(streamOf(encoder.encode(plaintext))));
}

/** @throws when no identity matches or the ciphertext is damaged (typage's errors), or on bad UTF-8. */
export async function ageDecryptText(decrypter: Decrypter, ciphertext: Uint8Array): Promise<string> {
  return strictDecoder.decode(await drain(await decrypter.decrypt(streamOf(ciphertext))));
}
