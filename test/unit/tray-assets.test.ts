/**
 * The committed icons (made by scripts/make-icons.mjs from assets/icon.svg) are what the tray loads:
 * every name trayIconFile() can return must exist at its size, macOS templates must be black and alpha
 * only (the system tints them by alpha; any colour would show wrong in one of light/dark mode), and the
 * states must differ where the person looks: by shape on macOS, by colour elsewhere.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { crc32, inflateSync } from 'node:zlib';
import { TRAY_ICONS, type TrayIcon, trayIconFile } from '../../electron/main/tray-model.js';

const ASSETS = join(import.meta.dirname, '..', '..', 'assets');
const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

interface Png {
  width: number;
  height: number;
  /** RGBA, 4 bytes a pixel, row after row. */
  rgba: Buffer;
}

/**
 * A strict reader for what the rasterizer writes (8-bit RGBA, not interlaced): it throws on anything
 * else, on a bad CRC, or on missing chunks, so a broken or unexpected file fails the test loudly.
 */
function readPng(file: string): Png {
  const data = readFileSync(join(ASSETS, file));
  assert.ok(data.subarray(0, 8).equals(SIGNATURE), `${file}: not a PNG (bad signature)`);
  let at = 8;
  let ihdr: Buffer | null = null;
  const idat: Buffer[] = [];
  for (;;) {
    assert.ok(at + 12 <= data.length, `${file}: truncated before IEND`);
    const length = data.readUInt32BE(at);
    const type = data.toString('latin1', at + 4, at + 8);
    const body = data.subarray(at + 8, at + 8 + length);
    assert.equal(data.readUInt32BE(at + 8 + length), crc32(data.subarray(at + 4, at + 8 + length)), `${file}: bad CRC in ${type}`);
    if (type === 'IHDR') ihdr = body;
    if (type === 'IDAT') idat.push(body);
    at += 12 + length;
    if (type === 'IEND') break;
  }
  assert.ok(ihdr, `${file}: no IHDR`);
  const width = ihdr.readUInt32BE(0);
  const height = ihdr.readUInt32BE(4);
  const [bitDepth, colourType, , , interlace] = [ihdr[8], ihdr[9], ihdr[10], ihdr[11], ihdr[12]];
  assert.deepEqual({ bitDepth, colourType, interlace }, { bitDepth: 8, colourType: 6, interlace: 0 }, `${file}: expected 8-bit RGBA, not interlaced`);
  return { width, height, rgba: unfilter(inflateSync(Buffer.concat(idat)), width, height, file) };
}

/** Undoes PNG's per-row filters (RFC 2083 §6) for 4 bytes a pixel. */
function unfilter(raw: Buffer, width: number, height: number, file: string): Buffer {
  const stride = width * 4;
  assert.equal(raw.length, height * (stride + 1), `${file}: pixel data of the wrong length`);
  const out = Buffer.alloc(height * stride);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)];
    const row = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    for (let x = 0; x < stride; x++) {
      const a = x >= 4 ? out[y * stride + x - 4]! : 0;
      const b = y > 0 ? out[(y - 1) * stride + x]! : 0;
      const c = x >= 4 && y > 0 ? out[(y - 1) * stride + x - 4]! : 0;
      let predicted: number;
      switch (filter) {
        case 0: predicted = 0; break;
        case 1: predicted = a; break;
        case 2: predicted = b; break;
        case 3: predicted = (a + b) >> 1; break;
        case 4: {
          const p = a + b - c;
          const [pa, pb, pc] = [Math.abs(p - a), Math.abs(p - b), Math.abs(p - c)];
          predicted = pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
          break;
        }
        default: throw new Error(`${file}: unknown filter ${filter} in row ${y}`);
      }
      out[y * stride + x] = (row[x]! + predicted) & 0xff;
    }
  }
  return out;
}

function* pixels(png: Png): Generator<[r: number, g: number, b: number, a: number]> {
  for (let i = 0; i < png.rgba.length; i += 4) yield [png.rgba[i]!, png.rgba[i + 1]!, png.rgba[i + 2]!, png.rgba[i + 3]!];
}

/** The opaque pixels of an icon sorted by hue family: what a person reads as its colour. */
function colours(png: Png): { grey: number; green: number; amber: number; red: number } {
  const count = { grey: 0, green: 0, amber: 0, red: 0 };
  for (const [r, g, b, a] of pixels(png)) {
    if (a < 200) continue;
    if (Math.max(r, g, b) - Math.min(r, g, b) < 30) count.grey++;
    else if (g > r + 60 && g > b + 60) count.green++;
    else if (r > 200 && g >= 120 && g <= 200 && b < 80) count.amber++;
    else if (r > 200 && g < 110 && b < 110) count.red++;
  }
  return count;
}

const PLATFORMS: NodeJS.Platform[] = ['darwin', 'linux', 'win32'];
const expectedSize = (platform: NodeJS.Platform, scale: number) => (platform === 'darwin' ? 16 : 22) * scale;

test('every file trayIconFile can name exists as a PNG of its pixel size', () => {
  const named = new Set<string>();
  for (const icon of TRAY_ICONS) {
    for (const platform of PLATFORMS) {
      for (const scale of [1, 2]) {
        const file = trayIconFile(icon, platform, scale);
        named.add(file);
        const png = readPng(file);
        const size = expectedSize(platform, scale);
        assert.deepEqual([png.width, png.height], [size, size], file);
        assert.ok([...pixels(png)].some(([, , , a]) => a === 255), `${file}: has no solid pixel`);
      }
    }
  }
  assert.equal(named.size, TRAY_ICONS.length * 4, 'each state has a 1x and 2x colour icon and template');
});

test('macOS template images are black with alpha only, and their states differ in shape', () => {
  for (const scale of [1, 2]) {
    const alphas = new Map<TrayIcon, string>();
    for (const icon of TRAY_ICONS) {
      const file = trayIconFile(icon, 'darwin', scale);
      assert.match(file, /Template(@2x)?\.png$/, 'Electron treats only …Template names as template images');
      const png = readPng(file);
      for (const [r, g, b, a] of pixels(png)) assert.deepEqual([r, g, b], [0, 0, 0], `${file}: a pixel of colour (alpha ${a})`);
      alphas.set(icon, Buffer.from(png.rgba.filter((_, i) => i % 4 === 3)).toString('hex'));
    }
    assert.equal(new Set(alphas.values()).size, TRAY_ICONS.length, `@${scale}x: two states have the same shape`);
  }
});

test('colour tray icons: idle is neutral grey, active adds green, pending amber, locked is red', () => {
  for (const scale of [1, 2]) {
    const c = (icon: TrayIcon) => colours(readPng(trayIconFile(icon, 'linux', scale)));
    const idle = c('idle');
    assert.ok(idle.grey > 0 && idle.green + idle.amber + idle.red === 0, `idle @${scale}x ${JSON.stringify(idle)}`);
    const active = c('active');
    assert.ok(active.green > 0 && active.amber + active.red === 0, `active @${scale}x ${JSON.stringify(active)}`);
    const pending = c('pending');
    assert.ok(pending.amber > 0 && pending.green + pending.red === 0, `pending @${scale}x ${JSON.stringify(pending)}`);
    const locked = c('locked');
    assert.ok(locked.red > locked.grey && locked.green + locked.amber === 0, `locked @${scale}x ${JSON.stringify(locked)}`);
  }
});

test('the app icon exists at 512 and 1024 pixels', () => {
  for (const [file, size] of [['app-icon.png', 512], ['app-icon@2x.png', 1024]] as const) {
    const png = readPng(file);
    assert.deepEqual([png.width, png.height], [size, size], file);
  }
});
