import type { BriefingService } from '../service.js';
import { scanSeeds, type SeedFileScan, type SkippedSeed } from './loadSeeds.js';
import { watchSeeds, type SeedWatcher } from './watchSeeds.js';

/**
 * Whether the files on disk are the ones the store was built from: the same paths with the same bytes, counting
 * files that were read and refused (they carry their hash in `skipped`). Cheap: hashes only, nothing parsed.
 */
export function sameSeeds(scan: SeedFileScan, built: { seeds: Record<string, string>; skipped?: SkippedSeed[] }): boolean {
  const known = new Map(Object.entries(built.seeds));
  for (const s of built.skipped ?? []) if (s.sha256) known.set(s.source, s.sha256);
  return scan.files.length === known.size && scan.files.every((f) => known.get(f.source) === f.sha256);
}

/**
 * `npm start`'s watcher: a change under the seeds folder rebuilds the briefing through the service, once per
 * burst of changes, and only when the files really differ from the store's (a save that changed nothing, or a
 * rebuild /add-document already did, costs a scan, not a reload).
 */
export function watchBriefing(service: BriefingService, log: (line: string) => void, debounceMs?: number): SeedWatcher {
  const { seedsDir, seedMaxBytes, rootDir } = service.config;
  return watchSeeds(seedsDir, {
    debounceMs,
    log,
    rebuild: async () => {
      if (sameSeeds(await scanSeeds(seedsDir, seedMaxBytes, rootDir), service.manifest)) return;
      await service.reindex({ log });
    },
  });
}
