import { PermissionFlagsBits, type ChatInputCommandInteraction } from 'discord.js';

/** Whether the bot may embed in the interaction's channel (Discord sends the bot's permissions with it). */
export function canEmbed(interaction: ChatInputCommandInteraction): boolean {
  return interaction.appPermissions?.has(PermissionFlagsBits.EmbedLinks) ?? true;
}
