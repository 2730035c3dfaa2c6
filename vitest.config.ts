import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/support/global-setup.ts', 'test/browser/build-web.global.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // Two cores: running files two at a time keeps CPU-heavy suites from starving each other.
    maxWorkers: 2,
    minWorkers: 1,
  },
});
