import { MessageFlags, SlashCommandBuilder, type ChatInputCommandInteraction } from 'discord.js';
import type { BotContext, SlashCommand } from '../context.js';
import { answerMessages, answerQuestion } from '../answering.js';
import { QUESTION_PRECONDITIONS } from '../preconditions.js';
import { canEmbed } from '../permissions.js';

export const data = new SlashCommandBuilder()
  .setName('ask')
  .setDescription('Ask a question about the briefing; the answer cites exact sentences')
  .setDescriptionLocalizations({ id: 'Ajukan pertanyaan tentang briefing; jawabannya mengutip kalimat persisnya' })
  .addStringOption((o) =>
    o
      .setName('question')
      .setDescription('Your question (English or Indonesian)')
      .setDescriptionLocalizations({ id: 'Pertanyaan Anda (bahasa Inggris atau Indonesia)' })
      .setRequired(true)
      .setMaxLength(1000),
  )
  .addBooleanOption((o) =>
    o.setName('private').setDescription('Only you see the answer').setDescriptionLocalizations({ id: 'Hanya Anda yang melihat jawabannya' }),
  );

export const preconditions = QUESTION_PRECONDITIONS;

export function ephemeral(interaction: ChatInputCommandInteraction): boolean {
  return interaction.options.getBoolean('private') ?? false;
}

export async function execute(interaction: ChatInputCommandInteraction, ctx: BotContext): Promise<void> {
  const answered = await answerQuestion(ctx, interaction.options.getString('question', true), 'slash', { guildId: interaction.guildId });
  const [first, ...rest] = answerMessages(ctx, answered, canEmbed(interaction));
  await interaction.editReply(first);
  for (const payload of rest) await interaction.followUp({ ...payload, flags: ephemeral(interaction) ? MessageFlags.Ephemeral : undefined });
}

export const command: SlashCommand = { data, preconditions, ephemeral, execute };
