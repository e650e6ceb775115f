import { defineConfig } from 'vitest/config';

// Two projects: `unit` (next to the code, fast, parallel) and `e2e` (tests/: real engine processes,
// real servers, real Chromium; one file at a time, after the unit tests, with long timeouts).
export default defineConfig({
  test: {
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          environment: 'node',
          include: ['shared/**/*.test.ts', 'main/**/*.test.ts', 'renderer/src/**/*.test.ts', 'electron/**/*.test.ts', 'build/**/*.test.ts'],
          sequence: { groupOrder: 0 },
        },
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          environment: 'node',
          include: ['tests/**/*.test.ts'],
          testTimeout: 120_000,
          hookTimeout: 120_000,
          fileParallelism: false,
          // The e2e files start servers and a browser: never beside the unit workers on a 2-core machine.
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
