import type { APIActionRowComponent, APIButtonComponent, APIEmbed } from 'discord.js';
import type { AnswerResult, Turn } from '../answer/types.js';
import { cleanQuery } from '../text/userInput.js';
import type { BotContext } from './context.js';
import type { LoggedAnswer } from './answerLog.js';
import { renderAnswerButtons, renderAnswerEmbed, renderAnswerText } from './render.js';

/** Never ping anyone: not @everyone, not roles, not users, not the author of a replied-to message. */
export const NO_MENTIONS = { parse: [], repliedUser: false } as { parse: []; repliedUser: false };

export type AnswerChannel = 'slash' | 'mention' | 'dm' | 'thread';

export interface AnsweredQuestion {
  result: AnswerResult;
  /** Null when the answer log could not be written: the answer is sent without buttons. */
  logged: LoggedAnswer | null;
  elapsedMs: number;
}

/**
 * Stores an answer for its buttons. Logging never blocks answering: when the answer log cannot be written
 * (EACCES, a directory in its place, a full disk), the operator is warned once, and the answer goes out without
 * the buttons that would need the log; a later success says so and re-arms the warning.
 */
async function keepForButtons(ctx: BotContext, entry: Parameters<BotContext['answers']['add']>[0]): Promise<LoggedAnswer | null> {
  try {
    const logged = await ctx.answers.add(entry);
    if (ctx.state.answerLogFailing) {
      ctx.state.answerLogFailing = false;
      ctx.log.info({ event: 'answer-log-writable', where: ctx.answers.location }, 'the answer log is writable again; buttons are back');
    }
    return logged;
  } catch (error) {
    if (!ctx.state.answerLogFailing) {
      ctx.state.answerLogFailing = true;
      const code = (error as NodeJS.ErrnoException).code ?? 'error';
      ctx.log.warn({ event: 'answer-log-unwritable', where: ctx.answers.location, code }, `cannot write the answer log (${code}); answering without buttons until it is writable`);
    }
    return null;
  }
}

/**
 * The one path from a raw question to a stored answer, shared by /ask, mentions, DMs and thread follow-ups:
 * clean and bound the question (UserInputError when empty or too long), ask the engine, store the answer for the
 * buttons, and log one line (content only with LOG_CONTENT=true).
 */
export async function answerQuestion(ctx: BotContext, raw: string, via: AnswerChannel, meta: { guildId: string | null; history?: Turn[] }): Promise<AnsweredQuestion> {
  const question = cleanQuery(raw, 'question', ctx.config.maxQuestionChars);
  const started = performance.now();
  // Let pending gateway events (other users' interactions waiting for their 3-second acknowledgement) run
  // before this CPU-bound answer does.
  await new Promise((resolve) => setImmediate(resolve));
  const result = await ctx.engine.ask(question, meta.history?.length ? { history: meta.history } : {});
  const elapsedMs = performance.now() - started;
  const logged = await keepForButtons(ctx, {
    kind: 'answer',
    question,
    answer: result.answer,
    mode: result.mode,
    abstained: result.abstained,
    citations: result.citations,
  });
  ctx.log.info(
    {
      event: 'answered',
      via,
      guildId: meta.guildId,
      latencyMs: Math.round(elapsedMs),
      mode: result.mode,
      abstained: result.abstained,
      citations: result.citations.length,
      confidence: Number(result.confidence.toFixed(3)),
      historyTurns: meta.history?.length ?? 0,
      ...(ctx.config.logContent ? { question, answer: result.answer } : {}),
    },
    'answered a question',
  );
  return { result, logged, elapsedMs };
}

export interface ReplyPayload {
  content?: string;
  embeds: APIEmbed[];
  components: APIActionRowComponent<APIButtonComponent>[];
  allowedMentions: typeof NO_MENTIONS;
}

/**
 * The messages for an answer: one embed with buttons, or, where the bot may not embed, plain messages split
 * below 2,000 characters (buttons on the last one).
 */
export function answerMessages(ctx: BotContext, answered: AnsweredQuestion, canEmbed: boolean): ReplyPayload[] {
  const options = { elapsedMs: answered.elapsedMs, lookup: ctx.lookup };
  const components = answered.logged ? renderAnswerButtons(answered.logged.key, answered.result.abstained) : [];
  if (canEmbed) return [{ content: '', embeds: [renderAnswerEmbed(answered.result, options)], components, allowedMentions: NO_MENTIONS }];
  const parts = renderAnswerText(answered.result, options);
  return parts.map((content, i) => ({ content, embeds: [], components: i === parts.length - 1 ? components : [], allowedMentions: NO_MENTIONS }));
}

/** Plain text messages with no mentions parsed. */
export function textMessage(content: string): ReplyPayload {
  return { content, embeds: [], components: [], allowedMentions: NO_MENTIONS };
}
