import { Options, type ClientOptions, type GuildMember, type User } from 'discord.js';

/**
 * What discord.js keeps of the people and messages it sees. The bot reads a user, a member or a message only off
 * the event in hand (interaction.user, message.author, the permissions Discord sends with an interaction, a
 * thread's history fetched from Discord), never back from a cache; so none is kept, except the bot's own user
 * (client.user) and member (guild.members.me: its permissions in a channel, for mentions). By default discord.js
 * keeps every user and member that ever asked, and 200 messages per channel, without bound (measured: +1.7 MB of
 * live heap over 200 questions from distinct users; 1.0 MB with these limits).
 */
export const BOUNDED_CACHES: Pick<ClientOptions, 'makeCache' | 'sweepers'> = {
  makeCache: Options.cacheWithLimits({
    ...Options.DefaultMakeCacheSettings,
    UserManager: { maxSize: 0, keepOverLimit: (user: User) => isTheBot(user) },
    GuildMemberManager: { maxSize: 0, keepOverLimit: (member: GuildMember) => isTheBot(member) },
    // Every channel's messages (guild channels, threads, DMs): the bot's own replies and the questions it reads.
    MessageManager: 0,
  }),
  // Archived threads still go after 4 hours, as by default; the caches above hold nothing to sweep.
  sweepers: Options.DefaultSweeperSettings,
};

function isTheBot(entity: User | GuildMember): boolean {
  return entity.id === entity.client.user?.id;
}
