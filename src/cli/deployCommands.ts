import { REST, Routes, type RESTGetCurrentApplicationResult, type RESTPutAPIApplicationCommandsResult } from 'discord.js';
import { Command } from 'commander';
import { runCli, strictCommand } from './common.js';
import { ConfigError, oneLine } from '../errors.js';
import { readApiUrl, readToken, applicationIdFromToken } from '../discord/config.js';
import { readOptional } from '../config.js';
import { COMMANDS } from '../discord/commandList.js';

/**
 * `npm run deploy-commands`: registers the slash commands with one bulk overwrite (PUT), so running it again
 * changes nothing and removed commands disappear. Guild commands (instant) when DISCORD_GUILD_ID is set, else
 * global ones. The application id is DISCORD_CLIENT_ID, else asked from Discord (GET /applications/@me).
 */
export async function deployCommands(env: Record<string, string | undefined> = process.env, print: (line: string) => void = console.log): Promise<number> {
  const token = readToken(env);
  const api = readApiUrl(env);
  const guildId = readOptional(env, 'DISCORD_GUILD_ID');
  if (guildId && !/^\d{15,22}$/.test(guildId)) throw new ConfigError('DISCORD_GUILD_ID must be a Discord id (digits)');
  const rest = new REST({ api, retries: 1 }).setToken(token);
  const scrub = (error: unknown) => oneLine(error).split(token).join('[REDACTED]');

  let appId = readOptional(env, 'DISCORD_CLIENT_ID');
  if (appId && !/^\d{15,22}$/.test(appId)) throw new ConfigError('DISCORD_CLIENT_ID must be a Discord id (digits)');
  if (!appId) {
    try {
      appId = ((await rest.get(Routes.currentApplication())) as RESTGetCurrentApplicationResult).id;
    } catch (error) {
      appId = applicationIdFromToken(token);
      if (!appId) throw new ConfigError(`could not find the application id (set DISCORD_CLIENT_ID): ${scrub(error)}`);
    }
  }
  const application: string = appId;
  const body = COMMANDS.map((c) => c.data.toJSON());
  const route = guildId ? Routes.applicationGuildCommands(application, guildId) : Routes.applicationCommands(application);
  let registered: RESTPutAPIApplicationCommandsResult;
  try {
    registered = (await rest.put(route, { body })) as RESTPutAPIApplicationCommandsResult;
  } catch (error) {
    throw new Error(`registering the commands failed: ${scrub(error)}`);
  }
  print(`Registered ${registered.length} commands ${guildId ? `in guild ${guildId} (available now)` : 'globally (may take up to an hour to appear)'}: ${registered.map((c) => `/${c.name}`).join(', ')}`);
  return registered.length;
}

export async function main(args: string[]): Promise<void> {
  strictCommand(new Command('deploy-commands').description('Register the slash commands with Discord (bulk overwrite, idempotent)')).parse(args, { from: 'user' });
  await deployCommands();
}

runCli(import.meta.url, main);
