import { SlashCommandBuilder, type ChatInputCommandInteraction } from 'discord.js';
import type { BotContext, SlashCommand } from '../context.js';
import { NO_MENTIONS } from '../answering.js';
import { acceptingWork } from '../preconditions.js';

export const data = new SlashCommandBuilder()
  .setName('help')
  .setDescription('What this bot can do')
  .setDescriptionLocalizations({ id: 'Apa yang bisa dilakukan bot ini' });

export const preconditions = [acceptingWork];

export function ephemeral(): boolean {
  return true;
}

const HELP = {
  en: [
    'I answer questions about the briefing and quote the exact sentences I rely on. When the briefing does not say, I tell you so.',
    '`/ask question` — a short cited answer (`private: true` to see it alone)',
    '`/summary style topic` — a cited summary (brief, bullets or detailed)',
    '`/search query k` — the raw passages that match, with positions',
    '`/sources` — the documents in the briefing',
    '`/reindex` — re-read the documents (Manage Server only)',
    '`/add-document file replace` — add a PDF, Word, web page, text or Markdown file; `/remove-document file` — remove one (Manage Server only)',
    'You can also mention me with a question, DM me, or keep asking in a thread I started.',
  ],
  id: [
    'Saya menjawab pertanyaan tentang briefing dan mengutip kalimat persis yang saya gunakan. Jika briefing tidak menyebutkannya, saya akan bilang.',
    '`/ask question` — jawaban singkat dengan kutipan (`private: true` agar hanya Anda yang melihat)',
    '`/summary style topic` — ringkasan dengan kutipan (singkat, poin-poin, atau rinci)',
    '`/search query k` — potongan teks yang cocok, dengan posisinya',
    '`/sources` — dokumen dalam briefing',
    '`/reindex` — baca ulang dokumen (hanya Manage Server)',
    '`/add-document file replace` — tambahkan berkas PDF, Word, halaman web, teks atau Markdown; `/remove-document file` — hapus satu (hanya Manage Server)',
    'Anda juga bisa menyebut (mention) saya dengan pertanyaan, mengirim DM, atau lanjut bertanya di thread yang saya buat.',
  ],
};

export async function execute(interaction: ChatInputCommandInteraction, ctx: BotContext): Promise<void> {
  const lines = interaction.locale === 'id' ? HELP.id : HELP.en;
  await interaction.editReply({
    embeds: [{ title: 'briefing-bot', description: lines.join('\n'), color: 0x4a5568, footer: { text: `${ctx.service.kb.documents.length} document(s), ${ctx.service.kb.size} chunks` } }],
    allowedMentions: NO_MENTIONS,
  });
}

export const command: SlashCommand = { data, preconditions, ephemeral, execute };
