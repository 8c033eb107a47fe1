#!/usr/bin/env node
// Renders every icon in assets/ from the one vector source, assets/icon.svg: `npm run icons`.
// The PNGs are committed, so a build or a test never needs the rasterizer; run this after editing the
// SVG and look at the results. File names must match trayIconFile() in electron/main/tray-model.ts
// (test/unit/tray-assets.test.ts fails if a name it can return is missing or the wrong size).
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Resvg } from '@resvg/resvg-js';

const ASSETS = join(dirname(fileURLToPath(import.meta.url)), '..', 'assets');
const STATES = ['idle', 'active', 'pending', 'locked'];

/**
 * Linux (and Windows) colour tray icons. The shield stays a mid grey that reads on light and dark
 * panels; only a state that needs attention adds colour, and the badge shape says the same thing for
 * anyone who cannot tell the colours apart. Locked turns the whole mark red: it is the state a person
 * must not miss.
 */
const COLOUR = {
  idle: { shield: '#8b929c', badge: null },
  active: { shield: '#8b929c', badge: '#22c55e' },
  pending: { shield: '#8b929c', badge: '#f59e0b' },
  locked: { shield: '#ef4444', badge: '#ef4444' },
};

/** Reads the shapes (the `<defs>` block) out of the source; every composition below uses them by id. */
function sourceDefs() {
  const svg = readFileSync(join(ASSETS, 'icon.svg'), 'utf8');
  const defs = /<defs>([\s\S]*?)<\/defs>/.exec(svg);
  if (!defs) throw new Error('assets/icon.svg has no <defs> block: the shapes are taken from there by id');
  for (const id of ['shield', 'key', ...STATES.slice(1).flatMap((s) => [`badge-${s}`, `gap-${s}`])]) {
    if (!defs[1].includes(`id="${id}"`)) throw new Error(`assets/icon.svg defines no shape with id="${id}"`);
  }
  return defs[1];
}

/**
 * The mark for one state in the 32-unit grid: the shield with the key cut out (and the room around the
 * badge cleared), then the badge with its own cut-out. `prefix` keeps mask ids unique when the mark is
 * placed inside a larger drawing.
 */
function mark(state, { shield, badge }, prefix = 'm') {
  const hasBadge = state !== 'idle';
  const cutsBadge = hasBadge && (state === 'pending' || state === 'locked');
  return `
    <mask id="${prefix}-shield" maskUnits="userSpaceOnUse" x="0" y="0" width="32" height="32">
      <rect width="32" height="32" fill="#fff"/>
      <use href="#key" fill="#000"/>
      ${hasBadge ? `<use href="#gap-${state}" fill="#000"/>` : ''}
    </mask>
    <use href="#shield" fill="${shield}" mask="url(#${prefix}-shield)"/>
    ${cutsBadge ? `
    <mask id="${prefix}-badge" maskUnits="userSpaceOnUse" x="0" y="0" width="32" height="32">
      <rect width="32" height="32" fill="#fff"/>
      <use href="#badge-${state}-cut" fill="#000"/>
    </mask>` : ''}
    ${hasBadge ? `<use href="#badge-${state}" fill="${badge}" stroke="${badge}"${cutsBadge ? ` mask="url(#${prefix}-badge)"` : ''}/>` : ''}`;
}

function trayIcon(defs, state, colours) {
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><defs>${defs}</defs>${mark(state, colours)}</svg>`;
}

/**
 * The app icon: the mark on a rounded square, inside Apple's 1024 grid (824-unit body, 100 margin) so
 * it sits beside other Dock icons at the same visual size; Linux desktops show it as it is.
 */
function appIcon(defs) {
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1024 1024">
  <defs>${defs}
    <linearGradient id="bg" x1="0" y1="0" x2="0" y2="1">
      <stop offset="0" stop-color="#2b3646"/><stop offset="1" stop-color="#111827"/>
    </linearGradient>
    <linearGradient id="mark" x1="0" y1="0" x2="0" y2="1">
      <stop offset="0" stop-color="#4ade80"/><stop offset="1" stop-color="#16a34a"/>
    </linearGradient>
  </defs>
  <rect x="100" y="100" width="824" height="824" rx="185" fill="url(#bg)"/>
  <g transform="translate(512 520) scale(19) translate(-16 -16)">${mark('idle', { shield: 'url(#mark)', badge: null }, 'app')}</g>
</svg>`;
}

function render(svg, size) {
  const png = new Resvg(svg, { fitTo: { mode: 'width', value: size }, font: { loadSystemFonts: false } }).render().asPng();
  return png;
}

function write(name, svg, size) {
  writeFileSync(join(ASSETS, name), render(svg, size));
  console.log(`assets/${name} ${size}x${size}`);
}

const defs = sourceDefs();
for (const state of STATES) {
  const colour = trayIcon(defs, state, COLOUR[state]);
  write(`tray-${state}.png`, colour, 22);
  write(`tray-${state}@2x.png`, colour, 44);
  // macOS templates: black and alpha only; the system tints them for light and dark menu bars.
  const template = trayIcon(defs, state, { shield: '#000', badge: state === 'idle' ? null : '#000' });
  write(`tray-${state}Template.png`, template, 16);
  write(`tray-${state}Template@2x.png`, template, 32);
}
write('app-icon.png', appIcon(defs), 512);
write('app-icon@2x.png', appIcon(defs), 1024);
