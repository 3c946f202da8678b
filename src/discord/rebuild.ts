import type { BotContext } from './context.js';
import type { StoreManifest } from '../store/manifest.js';
import type { KnowledgeBase } from '../retrieve/knowledgeBase.js';

/**
 * Rebuilds through the service until the store reflects a change this command just made on disk. A rebuild
 * already in flight is joined by the service, and it may have read the seeds folder before the change: then
 * one more rebuild picks it up (at most three tries).
 */
export async function reindexUntil(ctx: BotContext, reflects: (manifest: StoreManifest) => boolean): Promise<{ manifest: StoreManifest; kb: KnowledgeBase }> {
  const log = (line: string) => ctx.log.info({ event: 'reindex' }, line);
  for (let attempt = 1; ; attempt++) {
    const { after } = await ctx.service.reindex({ log });
    if (reflects(after) || attempt === 3) return { manifest: after, kb: ctx.service.kb };
  }
}
