import vm from 'node:vm';
import { describe, expect, it } from 'vitest';
import { collectGarbageNow } from '../src/discord/settleHeap.js';

describe('collectGarbageNow', () => {
  it('collects what nothing references any more, and leaves gc() unexposed to code that runs later', async () => {
    const ref = new WeakRef({ payload: new Array(10_000).fill('garbage') });
    // A WeakRef keeps its target alive until the current job ends.
    await new Promise((resolve) => setTimeout(resolve, 0));
    const ms = collectGarbageNow();
    expect(ref.deref()).toBeUndefined();
    expect(ms).toBeGreaterThanOrEqual(0);
    expect(vm.runInNewContext('typeof gc')).toBe('undefined');
  });
});
