// Component tests of the window (test/renderer): React in jsdom, queried the way a person perceives it.
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  plugins: [react()],
  test: {
    include: ['test/renderer/**/*.test.tsx'],
    environment: 'jsdom',
    setupFiles: ['test/renderer/setup.ts'],
    restoreMocks: true,
  },
});
