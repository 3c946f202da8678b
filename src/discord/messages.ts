import { PermissionFlagsBits, type Message, type SendableChannels } from 'discord.js';
import type { Turn } from '../answer/types.js';
import { stripControls } from '../text/userInput.js';
import type { BotContext } from './context.js';
import { answerMessages, answerQuestion, textMessage, type AnswerChannel } from './answering.js';
import { reportFailure, newErrorId } from './errors.js';
import type { InFlight } from './inFlight.js';
import { QUESTION_PRECONDITIONS, runPreconditions } from './preconditions.js';
import { truncate } from './renderText.js';

/** Discord shows "typing…" for about 10 s per call. */
const TYPING_REFRESH_MS = 8000;
const ABSTAIN_TITLE_PREFIX = 'Not in the briefing: ';

/** The question in a message: the bot's mention and invisible/bidi control characters removed, spaces folded. */
export function stripBotMention(content: string, botId: string): string {
  return stripControls(content).replace(new RegExp(`<@!?${botId}>`, 'g'), ' ').replace(/\s+/g, ' ').trim();
}

/** Why the bot should answer this message, or null to stay quiet. */
export function reasonToAnswer(message: Message, botId: string): AnswerChannel | null {
  if (message.author.bot || message.author.id === botId || message.webhookId || message.system) return null;
  if (!message.inGuild()) return 'dm';
  if (message.channel.isThread() && message.channel.ownerId === botId) return 'thread';
  if (message.mentions.users.has(botId)) return 'mention';
  return null;
}

/**
 * The thread's recent exchanges, oldest first, read back from Discord (so they survive restarts): a user message
 * is a question, the bot's next message its answer. The bot's first answer in a thread carries its question in
 * the embed title (the question itself was asked in the parent channel).
 */
export async function threadHistory(message: Message, botId: string, turns: number): Promise<Turn[]> {
  if (turns <= 0) return [];
  const fetched = await message.channel.messages.fetch({ limit: Math.min(100, turns * 2 + 4), before: message.id });
  const chronological = [...fetched.values()].sort((a, b) => a.createdTimestamp - b.createdTimestamp || (BigInt(a.id) < BigInt(b.id) ? -1 : 1));
  const history: Turn[] = [];
  let pending: string | undefined;
  for (const m of chronological) {
    if (m.author.id === botId) {
      const embed = m.embeds[0];
      const answer = embed?.description ?? m.content;
      const question = pending ?? embed?.title?.replace(ABSTAIN_TITLE_PREFIX, '');
      if (question && answer) history.push({ question, answer });
      pending = undefined;
    } else if (!m.author.bot) {
      pending = stripBotMention(m.content, botId) || undefined;
    }
  }
  return history.slice(-turns);
}

function canEmbedIn(message: Message, ctx: BotContext): boolean {
  if (!message.inGuild()) return true;
  const me = ctx.client.user;
  const permissions = me ? message.channel.permissionsFor(me) : null;
  return permissions ? permissions.has(PermissionFlagsBits.EmbedLinks) : true;
}

/** Keeps "typing…" visible while `work` runs. */
async function withTyping<T>(channel: SendableChannels, work: Promise<T>): Promise<T> {
  const type = () => channel.sendTyping().catch(() => undefined);
  void type();
  const timer = setInterval(type, TYPING_REFRESH_MS);
  try {
    return await work;
  } finally {
    clearInterval(timer);
  }
}

/** Mentions, DMs and follow-ups in the bot's threads, answered like /ask. Never throws. */
export async function handleMessage(message: Message, ctx: BotContext, inFlight: InFlight): Promise<void> {
  const botId = ctx.client.user?.id;
  if (!botId) return;
  const via = reasonToAnswer(message, botId);
  if (!via) return;
  try {
    const channel = message.channel;
    const verdict = await runPreconditions(
      QUESTION_PRECONDITIONS,
      {
        userId: message.author.id,
        guildId: message.guildId ?? null,
        channelId: message.channelId,
        parentChannelId: channel.isThread() ? channel.parentId : null,
        memberPermissions: null,
      },
      ctx,
    );
    if (!verdict.ok) {
      if (!verdict.quietForMessages) await message.reply(textMessage(verdict.message));
      return;
    }
    const question = stripBotMention(message.content, botId);
    if (!question) {
      await message.reply(textMessage('Ask me something about the briefing after the mention, for example: “Where did Kang and Pompeo meet?”'));
      return;
    }
    let replied = false;
    const work = (async () => {
      try {
        const history = via === 'thread' ? await threadHistory(message, botId, ctx.config.threadHistoryTurns) : [];
        const answered = await withTyping(channel as SendableChannels, answerQuestion(ctx, question, via, { guildId: message.guildId ?? null, history }));
        const payloads = answerMessages(ctx, answered, canEmbedIn(message, ctx));
        if (via === 'mention' && ctx.config.answerInThread && !channel.isThread()) {
          const thread = await message.startThread({ name: truncate(question, 90) });
          for (const payload of payloads) await thread.send(payload);
        } else {
          const [first, ...rest] = payloads;
          await message.reply(first);
          for (const payload of rest) await (channel as SendableChannels).send(payload);
        }
        replied = true;
      } catch (error) {
        if (replied) throw error;
        await message.reply(textMessage(reportFailure(ctx.log, error, { via, guildId: message.guildId ?? null })));
      }
    })();
    await inFlight.track(work, async () => {
      if (!replied) await message.reply(textMessage('I am restarting and could not finish this. Please ask again in a moment.'));
    });
  } catch (error) {
    ctx.log.error({ err: error, errorId: newErrorId(), via }, 'message could not be answered');
  }
}
