import { loadCoreConfig } from './config.js';
import { runCli } from './cli/common.js';
import { BriefingService } from './service.js';
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
  const service = await BriefingService.open(loadCoreConfig(env), { log: (line) => process.stderr.write(`${line}\n`) });
  const { runConsole } = await import('./console/console.js');
  await runConsole({ service, input: process.stdin, output: process.stdout, env, prompt: Boolean(process.stdin.isTTY) });
}

runCli(import.meta.url, main);
