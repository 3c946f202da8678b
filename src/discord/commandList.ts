import type { SlashCommand } from './context.js';
import { command as ask } from './commands/ask.js';
import { command as summary } from './commands/summary.js';
import { command as sources } from './commands/sources.js';
import { command as search } from './commands/search.js';
import { command as help } from './commands/help.js';
import { command as reindex } from './commands/reindex.js';
import { command as addDocument } from './commands/addDocument.js';
import { command as removeDocument } from './commands/removeDocument.js';

/** Every slash command, as registered by deploy-commands and routed by the bot. */
export const COMMANDS: SlashCommand[] = [ask, summary, sources, search, help, reindex, addDocument, removeDocument];
