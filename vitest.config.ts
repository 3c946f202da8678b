import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Native hnswlib and the discord.js client are happier in forked processes than in worker threads.
    pool: 'forks',
  },
});
