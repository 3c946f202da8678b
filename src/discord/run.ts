// First, as in src/main.ts: caps V8's young generation before discord.js and the store are evaluated.
import '../youngGenerationAtStart.js';
import { loadEnvFile } from '../envFile.js';
import { startDiscordBot } from './start.js';

/** Runs the bot alone (`tsx src/discord/run.ts`); `npm start` does the same through src/main.ts when DISCORD_TOKEN is set. */
loadEnvFile();
await startDiscordBot(process.env);
