import { performance } from 'node:perf_hooks';
import { percentile } from '../eval/metrics.js';

export interface Latency {
  n: number;
  p50: number;
  p95: number;
  p99: number;
  mean: number;
}

const round2 = (x: number) => Math.round(x * 100) / 100;

export function summarizeLatency(samples: number[]): Latency {
  const mean = samples.reduce((a, b) => a + b, 0) / Math.max(1, samples.length);
  return { n: samples.length, p50: round2(percentile(samples, 50)), p95: round2(percentile(samples, 95)), p99: round2(percentile(samples, 99)), mean: round2(mean) };
}

/** Runs `fn` once per input, one at a time, and summarises the wall-clock milliseconds of each call. */
export async function measure<T>(inputs: T[], fn: (input: T) => Promise<unknown> | unknown): Promise<Latency> {
  const samples: number[] = [];
  for (const input of inputs) {
    const started = performance.now();
    await fn(input);
    samples.push(performance.now() - started);
  }
  return summarizeLatency(samples);
}

/** Peak resident set size of this process so far, in MiB. */
export function peakRssMiB(): number {
  return Math.round(process.resourceUsage().maxRSS / 1024);
}
