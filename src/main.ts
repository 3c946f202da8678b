// First: caps V8's young generation before anything else is evaluated (see src/youngGeneration.ts).
import './youngGenerationAtStart.js';
import { loadCoreConfig } from './config.js';
import { runCli } from './cli/common.js';
import { DISCORD_OFF } from './console/texts.js';

/**
 * `npm start`: the Discord bot when DISCORD_TOKEN is set, otherwise the local console in this terminal.
 */
export async function main(): Promise<void> {
  const env = process.env;
  if (env.DISCORD_TOKEN?.trim()) {
    const { startDiscordBot } = await import('./discord/start.js');
    await startDiscordBot(env);
    return;
  }
  process.stdout.write(`${DISCORD_OFF}\n`);
  const config = loadCoreConfig(env);
  const log = (line: string) => process.stderr.write(`${line}\n`);
  const { BriefingService } = await import('./service.js');
  const service = await BriefingService.open(config, { log });
  // Answers keep coming from the store in use until a rebuild after a change is swapped in.
  const watcher = config.watchSeeds ? (await import('./seeds/watchBriefing.js')).watchBriefing(service, log) : undefined;
  const { runConsole } = await import('./console/console.js');
  await runConsole({ service, input: process.stdin, output: process.stdout, env, prompt: Boolean(process.stdin.isTTY) });
  await watcher?.close();
}

runCli(import.meta.url, main);
