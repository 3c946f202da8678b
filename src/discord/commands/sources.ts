import { SlashCommandBuilder, type ChatInputCommandInteraction } from 'discord.js';
import type { BotContext, SlashCommand } from '../context.js';
import { NO_MENTIONS } from '../answering.js';
import { acceptingWork, allowedPlace, userRateLimit } from '../preconditions.js';
import { renderDocumentsEmbed } from '../render.js';

export const data = new SlashCommandBuilder()
  .setName('sources')
  .setDescription('The documents in the briefing: file, title, date, pages, chunks, files not read and why')
  .setDescriptionLocalizations({ id: 'Dokumen dalam briefing: berkas, judul, tanggal, potongan, waktu pengindeksan' });

export const preconditions = [acceptingWork, allowedPlace, userRateLimit];

export function ephemeral(): boolean {
  return true;
}

export async function execute(interaction: ChatInputCommandInteraction, ctx: BotContext): Promise<void> {
  const manifest = ctx.service.manifest;
  const pages = new Map(ctx.service.kb.documents.map((d) => [d.source, d.pageStarts?.length]));
  const embed = renderDocumentsEmbed(
    manifest.documents.map((d) => ({ source: d.source, title: d.title, date: d.date, chunks: d.chunks, pages: pages.get(d.source) })),
    manifest.builtAt,
    manifest.skipped,
  );
  await interaction.editReply({ embeds: [embed], allowedMentions: NO_MENTIONS });
}

export const command: SlashCommand = { data, preconditions, ephemeral, execute };
