import v8 from 'node:v8';
import vm from 'node:vm';

/**
 * One full garbage collection, now, and how long it took (ms). Opening the briefing leaves garbage behind (files
 * read, indexes decoded, modules evaluated) that V8 would keep until its next full collection: under load that
 * comes late, idle it comes from the memory reducer some seconds on. The bot calls this once its store is open and
 * before it goes online, so it starts at its live size (RSS after start on the seed briefing ~8 MB lower, well
 * before the first question), at the price of one pause of a few ms no one waits for. Node gives no gc() without
 * --expose-gc: the flag is set for a moment to take V8's gc from a fresh context (as Jest's leak detector does).
 */
export function collectGarbageNow(): number {
  const exposed = (globalThis as { gc?: () => void }).gc;
  const started = performance.now();
  if (exposed) {
    exposed();
  } else {
    v8.setFlagsFromString('--expose-gc');
    try {
      (vm.runInNewContext('gc') as () => void)();
    } finally {
      v8.setFlagsFromString('--no-expose-gc');
    }
  }
  return performance.now() - started;
}
