// First, as in src/main.ts: caps V8's young generation before discord.js and the store are evaluated.
import '../youngGenerationAtStart.js';
import { startDiscordBot } from './start.js';

/** One shard's process under the ShardingManager (src/discord/sharding.ts): the bot, with SHARDS set by discord.js. */
await startDiscordBot(process.env);
