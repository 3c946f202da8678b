import { startDiscordBot } from './start.js';

/** One shard's process under the ShardingManager (src/discord/sharding.ts): the bot, with SHARDS set by discord.js. */
await startDiscordBot(process.env);
