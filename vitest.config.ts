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
    // Test files share their fork's module cache (LangChain, discord.js and hnswlib load once per fork, not once
    // per file: about a third of the suite's time) and both cores run files. Tests keep no global state between
    // files; runCliInProcess restores the environment, the working directory and the streams it borrows.
    isolate: false,
    maxWorkers: 2,
  },
});
