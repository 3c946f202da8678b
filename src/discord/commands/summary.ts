import { SlashCommandBuilder, type ChatInputCommandInteraction } from 'discord.js';
import type { BotContext, SlashCommand } from '../context.js';
import { NO_MENTIONS } from '../answering.js';
import { QUESTION_PRECONDITIONS } from '../preconditions.js';
import { renderSummaryEmbed } from '../render.js';
import { cleanQuery } from '../../text/userInput.js';
import { SUMMARY_STYLES, type SummaryStyle } from '../../summary/types.js';

export const data = new SlashCommandBuilder()
  .setName('summary')
  .setDescription('A cited summary of the briefing, or of one topic in it')
  .setDescriptionLocalizations({ id: 'Ringkasan briefing (atau satu topiknya) dengan kutipan' })
  .addStringOption((o) =>
    o
      .setName('style')
      .setDescription('How long the summary is')
      .setDescriptionLocalizations({ id: 'Seberapa panjang ringkasannya' })
      .addChoices(
        { name: 'brief', value: 'brief', name_localizations: { id: 'singkat' } },
        { name: 'bullets', value: 'bullets', name_localizations: { id: 'poin-poin' } },
        { name: 'detailed', value: 'detailed', name_localizations: { id: 'rinci' } },
      ),
  )
  .addStringOption((o) =>
    o
      .setName('topic')
      .setDescription('Only summarise what the briefing says about this')
      .setDescriptionLocalizations({ id: 'Hanya ringkas apa yang dikatakan briefing tentang ini' })
      .setMaxLength(200),
  )
  .addBooleanOption((o) =>
    o.setName('private').setDescription('Only you see the summary').setDescriptionLocalizations({ id: 'Hanya Anda yang melihat ringkasannya' }),
  );

export const preconditions = QUESTION_PRECONDITIONS;

export function ephemeral(interaction: ChatInputCommandInteraction): boolean {
  return interaction.options.getBoolean('private') ?? false;
}

export async function execute(interaction: ChatInputCommandInteraction, ctx: BotContext): Promise<void> {
  const rawStyle = interaction.options.getString('style') ?? 'brief';
  const style: SummaryStyle = (SUMMARY_STYLES as readonly string[]).includes(rawStyle) ? (rawStyle as SummaryStyle) : 'brief';
  const rawTopic = interaction.options.getString('topic');
  const topic = rawTopic ? cleanQuery(rawTopic, 'topic', 200) : undefined;
  const started = performance.now();
  const result = await ctx.summarizer.summarize({ style, ...(topic ? { topic } : {}) });
  const elapsedMs = performance.now() - started;
  ctx.log.info({ event: 'summarized', style, topic: Boolean(topic), mode: result.mode, cached: result.cached, citations: result.citations.length, latencyMs: Math.round(elapsedMs) }, 'summarized');
  const embed = renderSummaryEmbed(result, { elapsedMs, lookup: ctx.lookup, topic });
  await interaction.editReply({ content: '', embeds: [embed], allowedMentions: NO_MENTIONS });
}

export const command: SlashCommand = { data, preconditions, ephemeral, execute };
