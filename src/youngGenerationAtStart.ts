import { keepYoungGenerationSmall } from './youngGeneration.js';

/**
 * Imported first by the long-running entry points (src/main.ts, the shard and bot runners), so the young
 * generation is capped before any other module is evaluated: evaluating discord.js, LangChain and the store's
 * modules alone would double it once (2 MB more resident for the life of the process).
 */
keepYoungGenerationSmall();
