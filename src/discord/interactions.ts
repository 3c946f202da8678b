import { MessageFlags, type ButtonInteraction, type ChatInputCommandInteraction, type Interaction } from 'discord.js';
import type { BotContext, SlashCommand } from './context.js';
import { NO_MENTIONS } from './answering.js';
import { reportFailure, newErrorId } from './errors.js';
import type { InFlight } from './inFlight.js';
import { acceptingWork, allowedPlace, runPreconditions, type Precondition, type RequestInfo } from './preconditions.js';
import { parseButtonId } from './customIds.js';
import { renderFullSources } from './render.js';

const RESTARTING = 'I am restarting and could not finish this. Please ask again in a moment.';

export function requestOf(interaction: Interaction): RequestInfo {
  const channel = interaction.channel;
  return {
    userId: interaction.user.id,
    guildId: interaction.guildId ?? null,
    channelId: interaction.channelId ?? null,
    parentChannelId: channel && 'parentId' in channel ? (channel.parentId ?? null) : null,
    memberPermissions: interaction.memberPermissions ?? null,
  };
}

/** Routes one interaction; never throws (one failing interaction never takes the bot down). */
export async function handleInteraction(interaction: Interaction, ctx: BotContext, commands: Map<string, SlashCommand>, inFlight: InFlight): Promise<void> {
  try {
    if (interaction.isChatInputCommand()) await handleCommand(interaction, ctx, commands, inFlight);
    else if (interaction.isButton()) await handleButton(interaction, ctx);
  } catch (error) {
    // Only reached when even the error reply failed (e.g. Discord unreachable): log and carry on.
    ctx.log.error({ err: error, errorId: newErrorId(), interactionType: interaction.type }, 'interaction could not be answered');
  }
}

async function refuse(interaction: ChatInputCommandInteraction | ButtonInteraction, message: string): Promise<void> {
  await interaction.reply({ content: message, flags: MessageFlags.Ephemeral, allowedMentions: NO_MENTIONS });
}

async function handleCommand(interaction: ChatInputCommandInteraction, ctx: BotContext, commands: Map<string, SlashCommand>, inFlight: InFlight): Promise<void> {
  const command = commands.get(interaction.commandName);
  if (!command) return refuse(interaction, 'I do not know this command; it may have been removed. Try `/help`.');
  const verdict = await runPreconditions(command.preconditions, requestOf(interaction), ctx);
  if (!verdict.ok) return refuse(interaction, verdict.message);

  // Acknowledge at once: Discord gives 3 seconds; the answer then replaces "thinking…". Tracked from here so a
  // shutdown that starts while the acknowledgement is on the wire still waits for (or fails) this reply.
  const ephemeral = command.ephemeral(interaction);
  const deferral = interaction.deferReply(ephemeral ? { flags: MessageFlags.Ephemeral } : {});
  ctx.pendingAcks.track(deferral);
  const work = (async () => {
    await deferral;
    try {
      await command.execute(interaction, ctx);
    } catch (error) {
      const message = reportFailure(ctx.log, error, { command: interaction.commandName, guildId: interaction.guildId });
      await replaceWithError(interaction, message, ephemeral);
    }
  })();
  await inFlight.track(work, async () => {
    await deferral;
    await replaceWithError(interaction, RESTARTING, ephemeral);
  });
}

/** Never leave "thinking…": the deferred reply becomes the error (privately when it was going to be public). */
async function replaceWithError(interaction: ChatInputCommandInteraction, message: string, ephemeral: boolean): Promise<void> {
  const payload = { content: message, embeds: [], components: [], allowedMentions: NO_MENTIONS };
  if (interaction.replied || !ephemeral) {
    try {
      if (!interaction.replied) await interaction.deleteReply();
      await interaction.followUp({ ...payload, flags: MessageFlags.Ephemeral });
      return;
    } catch {
      // Fall through: editing the deferred reply is the last way left to tell the user.
    }
  }
  await interaction.editReply(payload);
}

const BUTTON_PRECONDITIONS: Precondition[] = [acceptingWork, allowedPlace];

async function handleButton(interaction: ButtonInteraction, ctx: BotContext): Promise<void> {
  const parsed = parseButtonId(interaction.customId);
  if (!parsed) return refuse(interaction, 'This button is not mine or no longer works.');
  const verdict = await runPreconditions(BUTTON_PRECONDITIONS, requestOf(interaction), ctx);
  if (!verdict.ok) return refuse(interaction, verdict.message);
  try {
    const logged = await ctx.answers.get(parsed.key);
    if (!logged) return refuse(interaction, 'I no longer have this answer. Please ask again.');
    if (parsed.action === 'sources') {
      const [first, ...rest] = renderFullSources(logged.citations, ctx.lookup);
      await interaction.reply({ content: first, flags: MessageFlags.Ephemeral, allowedMentions: NO_MENTIONS });
      for (const part of rest) await interaction.followUp({ content: part, flags: MessageFlags.Ephemeral, allowedMentions: NO_MENTIONS });
      return;
    }
    await ctx.feedback.record({
      time: new Date().toISOString(),
      vote: parsed.action,
      answerKey: logged.key,
      question: logged.question,
      answer: logged.answer,
      citations: logged.citations.map(({ n, source, start, end, quote }) => ({ n, source, start, end, quote })),
      userHash: await ctx.feedback.hashUser(interaction.user.id),
      guildId: interaction.guildId ?? null,
    });
    ctx.log.info({ event: 'feedback', vote: parsed.action, guildId: interaction.guildId ?? null }, 'feedback recorded');
    await refuse(interaction, parsed.action === 'up' ? 'Thanks for the 👍, noted.' : 'Thanks for the 👎, noted. It helps improve the answers.');
  } catch (error) {
    const message = reportFailure(ctx.log, error, { button: parsed.action });
    if (interaction.replied || interaction.deferred) await interaction.followUp({ content: message, flags: MessageFlags.Ephemeral, allowedMentions: NO_MENTIONS });
    else await refuse(interaction, message);
  }
}
