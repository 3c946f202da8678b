import type { BriefingService } from '../service.js';
import { watchSeeds, type SeedWatcher } from './watchSeeds.js';

/**
 * `npm start`'s watcher: a change under the seeds folder re-indexes the briefing through the service, once per
 * burst of changes. The service rebuilds only when the files really differ from the store's (a save that changed
 * nothing, or a rebuild /add-document already did, costs a scan of the hashes and keeps the store in use).
 */
export function watchBriefing(service: BriefingService, log: (line: string) => void, debounceMs?: number): SeedWatcher {
  return watchSeeds(service.config.seedsDir, {
    debounceMs,
    log,
    rebuild: async () => {
      await service.reindex({ log });
    },
  });
}
