import { postgresMissingReason } from '../../src/bench/throwawayPostgres.js';

// The throwaway cluster lives in src/bench (the benchmark starts one too); tests import it from here.
export { startPostgres, freePort, type TestPostgres } from '../../src/bench/throwawayPostgres.js';

/**
 * Why the PostgreSQL tests cannot run here, or null. Never skipped in CI (CI set): .ci/run installs
 * postgresql-15, and a CI machine without it must fail, not pass by skipping.
 */
export const postgresSkipReason: string | null = process.env.CI ? null : postgresMissingReason;
