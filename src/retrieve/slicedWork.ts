import { performance } from 'node:perf_hooks';

/**
 * The event loop counts as busy with other work when it ran more than this between two slices (the loop's own
 * turn takes microseconds).
 */
const OTHER_WORK_MS = 1;
/** How long background work waits before looking again when the event loop is busy with other work. */
const BACK_OFF_MS = 5;

/**
 * Runs `step` on `target` in slices, in the event loop's idle time: one slice per turn of the loop while nothing else
 * runs, none while other work keeps it busy (a store loading, a question being answered: checked with
 * `eventLoopUtilization` between slices, backing off `BACK_OFF_MS` at a time), so background work neither delays
 * nor slows it by more than one slice. `step(target, deadline)` works until `performance.now()` passes `deadline`
 * (`sliceMs` from the slice's start) and returns true once nothing is left. Settles, never rejects, when the work is
 * through, when a step throws (the work is given up: it was only ahead of need), or when `target` has been
 * garbage-collected: it is held weakly, so background work does not keep alive what nobody uses any more. `step`
 * must not hold `target` itself (a module-level function, not a closure over it).
 */
export function inSlices<T extends object>(target: T, step: (target: T, deadline: number) => boolean, sliceMs: number): Promise<void> {
  const held = new WeakRef(target);
  return new Promise<void>((resolve) => {
    let since = performance.eventLoopUtilization();
    const slice = () => {
      if (performance.eventLoopUtilization(since).active > OTHER_WORK_MS) {
        since = performance.eventLoopUtilization();
        setTimeout(slice, BACK_OFF_MS);
        return;
      }
      const current = held.deref();
      let through = true;
      if (current) {
        try {
          through = step(current, performance.now() + sliceMs);
        } catch {
          through = true;
        }
      }
      since = performance.eventLoopUtilization();
      if (through) resolve();
      else setImmediate(slice);
    };
    setImmediate(slice);
  });
}
