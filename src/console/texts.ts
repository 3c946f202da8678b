/** What the console itself prints (its answers follow the question's language; these are English). */
export const DISCORD_OFF =
  'Discord is off: no DISCORD_TOKEN is set. To run the Discord bot, put DISCORD_TOKEN=<your bot token> in .env (see README, "Discord") and run npm start again.';

export const CONSOLE_READY = 'Local console ready. Ask a question, or type /help. /exit or Ctrl-D leaves.';

export const HELP = [
  'Commands:',
  '  <question>                      ask a question (same as /ask)',
  '  /ask <question>                 a cited answer, or "the briefing doesn\'t say"',
  '  /summary [brief|bullets|detailed] [topic]   a cited summary of the briefing or of a topic',
  '  /sources                        the documents in the briefing',
  '  /search <query>                 the passages that match a query',
  '  /help                           this list',
  '  /exit                           leave (Ctrl-D works too)',
  'Follow-up questions ("and what did Kang reply?") use the previous questions as context.',
].join('\n');
