import { SlashCommandBuilder, type ChatInputCommandInteraction } from 'discord.js';
import type { BotContext, SlashCommand } from '../context.js';
import { NO_MENTIONS } from '../answering.js';
import { QUESTION_PRECONDITIONS } from '../preconditions.js';
import { renderSearchEmbed } from '../render.js';
import { cleanQuery } from '../../text/userInput.js';

export const data = new SlashCommandBuilder()
  .setName('search')
  .setDescription('Show the raw passages that best match a query, with their positions')
  .setDescriptionLocalizations({ id: 'Tampilkan potongan teks yang paling cocok dengan kueri, beserta posisinya' })
  .addStringOption((o) =>
    o.setName('query').setDescription('What to look for').setDescriptionLocalizations({ id: 'Apa yang dicari' }).setRequired(true).setMaxLength(1000),
  )
  .addIntegerOption((o) =>
    o
      .setName('k')
      .setDescription('How many passages (1–10, default 5)')
      .setDescriptionLocalizations({ id: 'Berapa banyak potongan (1–10, bawaan 5)' })
      .setMinValue(1)
      .setMaxValue(10),
  );

export const preconditions = QUESTION_PRECONDITIONS;

export function ephemeral(): boolean {
  return false;
}

export async function execute(interaction: ChatInputCommandInteraction, ctx: BotContext): Promise<void> {
  const query = cleanQuery(interaction.options.getString('query', true), 'query', ctx.config.maxQuestionChars);
  const k = Math.min(10, Math.max(1, interaction.options.getInteger('k') ?? 5));
  const hits = await ctx.service.kb.search(query, { k });
  const views = hits.map((h) => ({ rank: h.rank, source: h.chunk.source, start: h.chunk.start, end: h.chunk.end, score: h.score, text: h.chunk.text }));
  await interaction.editReply({ embeds: [renderSearchEmbed(query, views, ctx.lookup)], allowedMentions: NO_MENTIONS });
}

export const command: SlashCommand = { data, preconditions, ephemeral, execute };
