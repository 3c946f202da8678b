import v8 from 'node:v8';

/** Flags by which whoever starts Node sizes the young generation themselves. */
const OWN_SIZING = /--(?:max|min)-semi-space-size|--semi-space-growth-factor|--max-young-generation-size/;

/**
 * Keeps V8's young generation at its initial size (1 MB per semi-space) for the long-running `npm start` process
 * (bot or console), unless Node was started with its own sizing. By default V8 doubles the semi-spaces up to
 * 16 MB each under allocation pressure and keeps them: 32 MB of the bot's resident memory after the first burst of
 * questions (RSS after start ~150 → ~125 MB on the seed briefing). The price is more frequent scavenges of
 * 0.1–0.2 ms: ~0.4 ms more per seed answer (4.1–4.5 → 4.6–5.0 ms). `--max-semi-space-size` would say it directly but is read
 * only when the heap is created; the growth factor is read at each growth, so setting it at run time takes effect
 * (and applies to worker threads too). The CLIs (ingest, eval, bench) keep V8's default, for throughput.
 * Returns whether it set the flag.
 */
export function keepYoungGenerationSmall(execArgv: readonly string[] = process.execArgv, nodeOptions = process.env.NODE_OPTIONS ?? ''): boolean {
  if (OWN_SIZING.test([...execArgv, nodeOptions].join(' '))) return false;
  v8.setFlagsFromString('--semi-space-growth-factor=1');
  return true;
}
