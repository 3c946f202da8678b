import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBotHarness, type BotHarness } from './helpers/discordBotHarness.js';

/**
 * discord.js's caches stay bounded however many people ask (src/discord/caches.ts): the real client against the
 * stand-in Discord, questions from many distinct users by /ask and by mention.
 */

const USERS = 40;
let h: BotHarness;

beforeAll(async () => {
  h = await startBotHarness({ RATE_LIMIT_USER_PER_MIN: '0', RATE_LIMIT_GUILD_PER_MIN: '0' });
});

afterAll(async () => {
  await h?.close();
});

const userId = (i: number) => `4000000000000${String(i).padStart(5, '0')}`;

describe('discord.js caches', () => {
  it('keep no user, member or message after many distinct users asked, only the bot itself; every question is answered', async () => {
    const asks = Array.from({ length: USERS }, (_, i) => h.fake.sendSlash('ask', [{ name: 'question', type: 3, value: 'Siapa Menteri Luar Negeri Jepang?' }], { userId: userId(i) }).token);
    const finals = await Promise.all(asks.map((token) => h.fake.waitForFinal(token, 30_000)));
    expect(finals.every((f) => String(f.body?.embeds?.[0]?.description).includes('Motegi'))).toBe(true);

    const mentions = Array.from({ length: USERS }, (_, i) =>
      h.fake.sendMessage({ content: `<@${h.fake.botUserId}> Siapa Menteri Luar Negeri Jepang?`, userId: userId(USERS + i), mentionBot: true }),
    );
    const replies = await Promise.all(
      mentions.map((m) => h.fake.waitForRequest((r) => r.method === 'POST' && r.path === `/channels/${h.fake.channelId}/messages` && r.body?.message_reference?.message_id === m.id, 30_000)),
    );
    // The bot's own member is kept: with it the bot reads its permissions in the channel (Embed Links) and embeds.
    expect(replies.every((r) => String(r.body?.embeds?.[0]?.description).includes('Motegi'))).toBe(true);

    const { client } = h.bot;
    const guild = client.guilds.cache.get(h.fake.guildId)!;
    expect([...client.users.cache.keys()]).toEqual([h.fake.botUserId]);
    expect([...guild.members.cache.keys()]).toEqual([h.fake.botUserId]);
    expect(guild.members.me?.id).toBe(h.fake.botUserId);
    const channel = client.channels.cache.get(h.fake.channelId);
    expect(channel && 'messages' in channel ? channel.messages.cache.size : -1).toBe(0);
  });
});
