import { performance } from 'node:perf_hooks';

/**
 * Runs `step` on `target` in slices, one per turn of the event loop (timers and I/O run in between), until it
 * reports it is through: `step(target, deadline)` works until `performance.now()` passes `deadline` (`sliceMs` from
 * the slice's start) and returns true once nothing is left. Settles, never rejects, when the work is through, when a
 * step throws (the work is given up: it was only ahead of need), or when `target` has been garbage-collected: it is
 * held weakly, so background work does not keep alive what nobody uses any more. `step` must not hold `target`
 * itself (a module-level function, not a closure over it).
 */
export function inSlices<T extends object>(target: T, step: (target: T, deadline: number) => boolean, sliceMs: number): Promise<void> {
  const held = new WeakRef(target);
  return new Promise<void>((resolve) => {
    const slice = () => {
      const current = held.deref();
      let through = true;
      if (current) {
        try {
          through = step(current, performance.now() + sliceMs);
        } catch {
          through = true;
        }
      }
      if (through) resolve();
      else setImmediate(slice);
    };
    setImmediate(slice);
  });
}
