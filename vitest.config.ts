import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // Unit tests sit beside the code; integration tests under test/ by area. Playwright specs (*.spec.ts) are not vitest's.
    include: ['emulator/**/*.test.ts', 'fixtures-site/**/*.test.ts', 'test/**/*.test.ts', 'bench/**/*.test.ts'],
    exclude: ['**/node_modules/**', '**/*.spec.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Two cores: live tests open real sockets and time-scaled servers; keep worker contention modest.
    maxWorkers: 2,
  },
});
