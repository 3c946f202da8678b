import { keepYoungGenerationSmall } from '../youngGeneration.js';

// As `npm start` does (src/main.ts), before discord.js and the store load.
keepYoungGenerationSmall();
const { startDiscordBot } = await import('./start.js');

/** One shard's process under the ShardingManager (src/discord/sharding.ts): the bot, with SHARDS set by discord.js. */
await startDiscordBot(process.env);
