import path from 'node:path';
import { InteractionContextType, PermissionFlagsBits, SlashCommandBuilder, type ChatInputCommandInteraction } from 'discord.js';
import type { BotContext, SlashCommand } from '../context.js';
import { NO_MENTIONS } from '../answering.js';
import { acceptingWork, allowedPlace, requireManageGuild } from '../preconditions.js';
import { reindexUntil } from '../rebuild.js';
import { escapeDiscordMarkdown } from '../renderText.js';
import { removeSeedFile, SeedFileError } from '../../seeds/seedFiles.js';

export const data = new SlashCommandBuilder()
  .setName('remove-document')
  .setDescription('Remove a document from the briefing (Manage Server only)')
  .setDescriptionLocalizations({ id: 'Hapus dokumen dari briefing (hanya Manage Server)' })
  .addStringOption((o) => o.setName('file').setDescription('The file name, as /sources lists it').setRequired(true).setMaxLength(300))
  .setDefaultMemberPermissions(PermissionFlagsBits.ManageGuild)
  .setContexts(InteractionContextType.Guild);

export const preconditions = [acceptingWork, allowedPlace, requireManageGuild];

export function ephemeral(): boolean {
  return true;
}

/**
 * The briefing's file a user named: its source ("seeds/x.pdf") or file name, among the files the store knows
 * (read or skipped). Nothing outside that list can be named, so nothing else can be removed.
 */
function resolveSource(ctx: BotContext, named: string): string | { problem: string } {
  const known = [...ctx.service.manifest.documents.map((d) => d.source), ...ctx.service.manifest.skipped.map((s) => s.source)];
  const wanted = named.trim();
  if (known.includes(wanted)) return wanted;
  const byName = known.filter((s) => path.posix.basename(s) === wanted);
  if (byName.length === 1) return byName[0];
  if (byName.length > 1) return { problem: `several files are called that: ${byName.join(', ')}; give the full path` };
  return { problem: 'no such file in the briefing (see /sources)' };
}

export async function execute(interaction: ChatInputCommandInteraction, ctx: BotContext): Promise<void> {
  const reply = (content: string) => interaction.editReply({ content: content.slice(0, 1900), allowedMentions: NO_MENTIONS });
  const named = interaction.options.getString('file', true);
  const source = resolveSource(ctx, named);
  if (typeof source !== 'string') {
    await reply(`Not removed: **${escapeDiscordMarkdown(named.slice(0, 300))}**: ${escapeDiscordMarkdown(source.problem)}.`);
    return;
  }
  const { seedsDir, rootDir } = ctx.service.config;
  try {
    await removeSeedFile(seedsDir, rootDir, source);
  } catch (error) {
    if (!(error instanceof SeedFileError)) throw error;
    await reply(`Not removed: **${escapeDiscordMarkdown(source)}**: ${escapeDiscordMarkdown(error.message)}.`);
    return;
  }
  const gone = (m: { documents: { source: string }[]; skipped: { source: string }[] }) => !m.documents.some((d) => d.source === source) && !m.skipped.some((s) => s.source === source);
  const { manifest } = await reindexUntil(ctx, gone);
  ctx.log.info({ event: 'remove-document', documents: manifest.documents.length }, 'document removed');
  await reply(`Removed **${escapeDiscordMarkdown(source)}**. The briefing now has ${manifest.documents.length} document(s), ${manifest.chunkCount} chunks.`);
}

export const command: SlashCommand = { data, preconditions, ephemeral, execute };
