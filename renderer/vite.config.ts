// The window's build: two pages (the dashboard and the approval window) into dist/renderer, which the
// app serves on app://bundle/ with a CSP of `script-src 'self'`: no inline script, so no module
// preload polyfill, and assets addressed relative to the page.
import react from '@vitejs/plugin-react';
import { resolve } from 'node:path';
import { defineConfig } from 'vite';

const root = import.meta.dirname;

export default defineConfig({
  root,
  base: './',
  plugins: [react()],
  logLevel: 'warn',
  build: {
    outDir: resolve(root, '..', 'dist', 'renderer'),
    emptyOutDir: true,
    modulePreload: { polyfill: false },
    // The window runs in Electron's Chromium only.
    target: 'chrome120',
    rollupOptions: { input: { index: resolve(root, 'index.html'), approval: resolve(root, 'approval.html') } },
  },
});
