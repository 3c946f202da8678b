import type { APIActionRowComponent, APIButtonComponent, APIEmbed } from 'discord.js';
import type { AnswerResult, Turn } from '../answer/types.js';
import { cleanQuery } from '../cli/common.js';
import type { BotContext } from './context.js';
import type { LoggedAnswer } from './answerLog.js';
import { renderAnswerButtons, renderAnswerEmbed, renderAnswerText } from './render.js';

/** Never ping anyone: not @everyone, not roles, not users, not the author of a replied-to message. */
export const NO_MENTIONS = { parse: [], repliedUser: false } as { parse: []; repliedUser: false };

export type AnswerChannel = 'slash' | 'mention' | 'dm' | 'thread';

export interface AnsweredQuestion {
  result: AnswerResult;
  logged: LoggedAnswer;
  elapsedMs: number;
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
  const logged = await ctx.answers.add({
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
  const components = renderAnswerButtons(answered.logged.key, answered.result.abstained);
  if (canEmbed) return [{ content: '', embeds: [renderAnswerEmbed(answered.result, options)], components, allowedMentions: NO_MENTIONS }];
  const parts = renderAnswerText(answered.result, options);
  return parts.map((content, i) => ({ content, embeds: [], components: i === parts.length - 1 ? components : [], allowedMentions: NO_MENTIONS }));
}

/** Plain text messages with no mentions parsed. */
export function textMessage(content: string): ReplyPayload {
  return { content, embeds: [], components: [], allowedMentions: NO_MENTIONS };
}
