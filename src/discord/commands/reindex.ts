import { PermissionFlagsBits, SlashCommandBuilder, InteractionContextType, type ChatInputCommandInteraction } from 'discord.js';
import type { BotContext, SlashCommand } from '../context.js';
import { NO_MENTIONS } from '../answering.js';
import { acceptingWork, allowedPlace, requireManageGuild } from '../preconditions.js';
import { fileName } from '../render.js';

export const data = new SlashCommandBuilder()
  .setName('reindex')
  .setDescription('Re-read the briefing documents and report what changed (Manage Server only)')
  .setDescriptionLocalizations({ id: 'Baca ulang dokumen briefing dan laporkan perubahannya (hanya Manage Server)' })
  .setDefaultMemberPermissions(PermissionFlagsBits.ManageGuild)
  .setContexts(InteractionContextType.Guild);

// default_member_permissions can be overridden by server admins, so the runtime check stays.
export const preconditions = [acceptingWork, allowedPlace, requireManageGuild];

export function ephemeral(): boolean {
  return true;
}

export async function execute(interaction: ChatInputCommandInteraction, ctx: BotContext): Promise<void> {
  const started = performance.now();
  const reindex = ctx.reindexAll ?? ((options) => ctx.service.reindex(options));
  const { rebuiltBecause, before, after, build } = await reindex({ log: (line) => ctx.log.info({ event: 'reindex' }, line) });
  const elapsedMs = Math.round(performance.now() - started);
  const beforeSources = new Set(Object.keys(before.seeds));
  const afterSources = new Set(Object.keys(after.seeds));
  const added = [...afterSources].filter((s) => !beforeSources.has(s));
  const removed = [...beforeSources].filter((s) => !afterSources.has(s));
  const changed = [...afterSources].filter((s) => beforeSources.has(s) && before.seeds[s] !== after.seeds[s]);
  const lines = rebuiltBecause
    ? [
        `Rebuilt the index: ${rebuiltBecause}.`,
        `Documents: ${before.documents.length} → ${after.documents.length}; chunks: ${before.chunkCount} → ${after.chunkCount}.`,
        build?.mode === 'incremental' ? `Updated in place: ${build.embeddedChunks} new chunk(s) embedded, ${build.reusedChunks} kept.` : '',
        added.length ? `Added: ${added.map(fileName).join(', ')}` : '',
        removed.length ? `Removed: ${removed.map(fileName).join(', ')}` : '',
        changed.length ? `Changed: ${changed.map(fileName).join(', ')}` : '',
        after.skipped.length ? `Skipped: ${after.skipped.map((s) => `${fileName(s.source)} (${s.reason})`).join(', ')}` : '',
      ]
    : [`Nothing changed: ${after.documents.length} document(s), ${after.chunkCount} chunks, indexed ${after.builtAt}.`];
  ctx.log.info({ event: 'reindexed', rebuilt: Boolean(rebuiltBecause), mode: build?.mode, stepsMs: build?.timings, documents: after.documents.length, chunks: after.chunkCount, latencyMs: elapsedMs }, 'reindexed');
  await interaction.editReply({ content: `${lines.filter(Boolean).join('\n')}\n-# ${elapsedMs} ms`.slice(0, 1900), allowedMentions: NO_MENTIONS });
}

export const command: SlashCommand = { data, preconditions, ephemeral, execute };
