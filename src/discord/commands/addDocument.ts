import { InteractionContextType, PermissionFlagsBits, SlashCommandBuilder, type ChatInputCommandInteraction } from 'discord.js';
import type { BotContext, SlashCommand } from '../context.js';
import { NO_MENTIONS } from '../answering.js';
import { downloadAttachment, DownloadError } from '../attachments.js';
import { acceptingWork, allowedPlace, requireManageGuild } from '../preconditions.js';
import { escapeDiscordMarkdown } from '../renderText.js';
import { UnreadableDocument, SEED_EXTENSIONS } from '../../seeds/formats/index.js';
import { extractTextOffThread } from '../../seeds/formats/offThread.js';
import { toSource, ZIP_EXPANSION_FACTOR } from '../../seeds/loadSeeds.js';
import path from 'node:path';
import { safeSeedFileName, saveSeedFile, SeedFileError } from '../../seeds/seedFiles.js';
import { reindexUntil } from '../rebuild.js';

export const data = new SlashCommandBuilder()
  .setName('add-document')
  .setDescription('Add a document to the briefing: PDF, Word, web page, text or Markdown (Manage Server only)')
  .setDescriptionLocalizations({ id: 'Tambahkan dokumen ke briefing: PDF, Word, halaman web, teks atau Markdown (hanya Manage Server)' })
  .addAttachmentOption((o) => o.setName('file').setDescription(`The document (${SEED_EXTENSIONS.join(', ')})`).setRequired(true))
  .addBooleanOption((o) => o.setName('replace').setDescription('Overwrite a document of the same name'))
  .setDefaultMemberPermissions(PermissionFlagsBits.ManageGuild)
  .setContexts(InteractionContextType.Guild);

// default_member_permissions can be overridden by server admins, so the runtime check stays.
export const preconditions = [acceptingWork, allowedPlace, requireManageGuild];

export function ephemeral(): boolean {
  return true;
}

/** A refusal the user can act on; anything else is the bot's error (an error id in the reply, the log has it). */
class Refused extends Error {}

async function readAndCheck(interaction: ChatInputCommandInteraction, ctx: BotContext): Promise<{ name: string; bytes: Uint8Array }> {
  const attachment = interaction.options.getAttachment('file', true);
  const config = ctx.service.config;
  let name: string;
  try {
    name = safeSeedFileName(attachment.name);
  } catch (error) {
    throw new Refused((error as Error).message);
  }
  if (attachment.size > config.seedMaxBytes) throw new Refused(`the file is larger than SEED_MAX_BYTES (${attachment.size} > ${config.seedMaxBytes} bytes)`);
  let bytes: Uint8Array;
  try {
    bytes = await downloadAttachment(attachment.url, config.seedMaxBytes);
  } catch (error) {
    if (error instanceof DownloadError) throw new Refused(error.message);
    throw error;
  }
  if (bytes.length === 0) throw new Refused('the file is empty');
  try {
    await extractTextOffThread(bytes, name, { maxPages: config.seedMaxPages, maxExpandedBytes: config.seedMaxBytes * ZIP_EXPANSION_FACTOR });
  } catch (error) {
    if (error instanceof UnreadableDocument) throw new Refused(error.message);
    throw error;
  }
  return { name, bytes };
}

export async function execute(interaction: ChatInputCommandInteraction, ctx: BotContext): Promise<void> {
  const reply = (content: string) => interaction.editReply({ content: content.slice(0, 1900), allowedMentions: NO_MENTIONS });
  const sent = interaction.options.getAttachment('file', true).name;
  let file: { name: string; bytes: Uint8Array };
  try {
    file = await readAndCheck(interaction, ctx);
  } catch (error) {
    if (!(error instanceof Refused)) throw error;
    ctx.log.info({ event: 'add-document', refused: true, reason: error.message }, 'document refused');
    await reply(`Not added: **${escapeDiscordMarkdown(sent)}**: ${escapeDiscordMarkdown(error.message)}.`);
    return;
  }
  const replace = interaction.options.getBoolean('replace') ?? false;
  let replaced: boolean;
  try {
    ({ replaced } = await saveSeedFile(ctx.service.config.seedsDir, file.name, file.bytes, replace));
  } catch (error) {
    if (!(error instanceof SeedFileError)) throw error;
    await reply(`Not added: ${escapeDiscordMarkdown(error.message)}.`);
    return;
  }
  const source = toSource(ctx.service.config.rootDir, path.join(ctx.service.config.seedsDir, file.name));
  const started = performance.now();
  const { manifest, kb } = await reindexUntil(ctx, (m) => m.documents.some((d) => d.source === source) || m.skipped.some((s) => s.source === source));
  const elapsedMs = Math.round(performance.now() - started);
  const doc = manifest.documents.find((d) => d.source === source);
  ctx.log.info({ event: 'add-document', replaced, bytes: file.bytes.length, documents: manifest.documents.length, latencyMs: elapsedMs }, 'document added');
  if (!doc) {
    const why = manifest.skipped.find((s) => s.source === source)?.reason ?? 'not found after the rebuild';
    await reply(`Saved **${escapeDiscordMarkdown(file.name)}**, but the rebuild skipped it: ${escapeDiscordMarkdown(why)}.`);
    return;
  }
  const pages = kb.documents.find((d) => d.source === source)?.pageStarts?.length;
  const about = [doc.title, doc.date].filter(Boolean).map((s) => escapeDiscordMarkdown(String(s))).join(', ');
  const read = [pages ? `${pages} page${pages === 1 ? '' : 's'}` : '', `${doc.sentences} sentences`, `${doc.chunks} chunks`].filter(Boolean).join(', ');
  await reply(
    `${replaced ? 'Replaced' : 'Added'} **${escapeDiscordMarkdown(file.name)}**${about ? ` (${about})` : ''}: ${read}.\n` +
      `The briefing now has ${manifest.documents.length} document(s), ${manifest.chunkCount} chunks.\n-# ${elapsedMs} ms`,
  );
}

export const command: SlashCommand = { data, preconditions, ephemeral, execute };
