import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    // End-to-end tests start the compiled program: dist/ is rebuilt first when a source is newer.
    globalSetup: ['tests/helpers/buildDist.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Native hnswlib and the discord.js client are happier in forked processes than in worker threads.
    pool: 'forks',
  },
});
