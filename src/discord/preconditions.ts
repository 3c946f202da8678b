import { PermissionFlagsBits, type PermissionsBitField } from 'discord.js';
import type { BotContext } from './context.js';

/**
 * Reusable checks that run before a command, a mention or a button is handled (in the manner of Sapphire's
 * preconditions): commands list the ones they need next to their definition; the dispatcher runs them in order
 * and answers a refusal politely, so no handler carries its own ifs.
 */
export interface RequestInfo {
  userId: string;
  guildId: string | null;
  channelId: string | null;
  /** The parent channel for a thread, so allowlisting a channel covers its threads. */
  parentChannelId?: string | null;
  memberPermissions: Readonly<PermissionsBitField> | null;
}

export type PreconditionResult =
  | { ok: true }
  | {
      ok: false;
      /** Shown to the user (ephemeral for interactions). */
      message: string;
      /** For messages (no ephemeral replies there): stay quiet rather than answer in public. */
      quietForMessages?: boolean;
    };

export interface Precondition {
  name: string;
  /** Rate limits on PostgreSQL answer asynchronously; the rest at once. */
  run(request: RequestInfo, ctx: BotContext): PreconditionResult | Promise<PreconditionResult>;
}

const OK: PreconditionResult = { ok: true };

function seconds(ms: number): number {
  return Math.max(1, Math.ceil(ms / 1000));
}

/** The bot is not shutting down. */
export const acceptingWork: Precondition = {
  name: 'acceptingWork',
  run: (_request, ctx) =>
    ctx.state.shuttingDown ? { ok: false, message: 'I am restarting right now; please try again in a moment.', quietForMessages: true } : OK,
};

/** ALLOWED_GUILD_IDS / ALLOWED_CHANNEL_IDS / ALLOW_DMS. */
export const allowedPlace: Precondition = {
  name: 'allowedPlace',
  run: (request, ctx) => {
    const { allowedGuildIds, allowedChannelIds, allowDms } = ctx.config;
    if (request.guildId === null) {
      return allowDms ? OK : { ok: false, message: 'I do not answer in direct messages here; please ask in a server channel.', quietForMessages: true };
    }
    if (allowedGuildIds.length > 0 && !allowedGuildIds.includes(request.guildId)) {
      return { ok: false, message: 'I am not enabled in this server.', quietForMessages: true };
    }
    if (allowedChannelIds.length > 0) {
      const inAllowed = [request.channelId, request.parentChannelId].some((id) => id && allowedChannelIds.includes(id));
      if (!inAllowed) return { ok: false, message: 'I am not enabled in this channel.', quietForMessages: true };
    }
    return OK;
  },
};

/** RATE_LIMIT_USER_PER_MIN. */
export const userRateLimit: Precondition = {
  name: 'userRateLimit',
  run: async (request, ctx) => {
    const verdict = await ctx.limits.user.take(request.userId);
    return verdict.ok ? OK : { ok: false, message: `You are asking a bit fast. Please try again in ${seconds(verdict.retryAfterMs)} s.` };
  },
};

/** RATE_LIMIT_GUILD_PER_MIN (DMs count per user only). */
export const guildRateLimit: Precondition = {
  name: 'guildRateLimit',
  run: async (request, ctx) => {
    if (request.guildId === null) return OK;
    const verdict = await ctx.limits.guild.take(request.guildId);
    return verdict.ok ? OK : { ok: false, message: `This server is asking a lot right now. Please try again in ${seconds(verdict.retryAfterMs)} s.` };
  },
};

/** Manage Server, checked at run time as well as through default_member_permissions (which admins can override). */
export const requireManageGuild: Precondition = {
  name: 'requireManageGuild',
  run: (request) =>
    request.guildId !== null && request.memberPermissions?.has(PermissionFlagsBits.ManageGuild)
      ? OK
      : { ok: false, message: 'Only members with the Manage Server permission can do this.' },
};

/** What every question-answering path checks, in order (cheap refusals before the limiters count a hit). */
export const QUESTION_PRECONDITIONS: Precondition[] = [acceptingWork, allowedPlace, userRateLimit, guildRateLimit];

export async function runPreconditions(preconditions: Precondition[], request: RequestInfo, ctx: BotContext): Promise<PreconditionResult> {
  for (const precondition of preconditions) {
    const result = await precondition.run(request, ctx);
    if (!result.ok) return result;
  }
  return OK;
}
