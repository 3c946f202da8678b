import { loadEnvFile } from '../envFile.js';
import { keepYoungGenerationSmall } from '../youngGeneration.js';

// As `npm start` does (src/main.ts), before discord.js and the store load.
keepYoungGenerationSmall();
const { startDiscordBot } = await import('./start.js');

/** Runs the bot alone (`tsx src/discord/run.ts`); `npm start` does the same through src/main.ts when DISCORD_TOKEN is set. */
loadEnvFile();
await startDiscordBot(process.env);
