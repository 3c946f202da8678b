import { Command } from 'commander';
import { loadCoreConfig } from '../config.js';
import { openKnowledgeBase } from '../store/openKnowledgeBase.js';
import { createProgress } from './progress.js';
import { runCli, strictCommand } from './common.js';

/** `npm run ingest [-- --force]`: builds or refreshes the store and says what it holds. */
export async function main(args: string[]): Promise<void> {
  const program = strictCommand(new Command('ingest'))
    .description('Build or refresh the vector store from seeds/')
    .option('--force', 'rebuild even if the store is up to date')
    .option('--json', 'print one JSON object');
  program.parse(args, { from: 'user' });
  const options = program.opts<{ force?: boolean; json?: boolean }>();

  const config = loadCoreConfig();
  const progress = createProgress('Embedding chunks');
  const started = performance.now();
  const opened = await openKnowledgeBase(config, {
    force: options.force,
    log: (line) => process.stderr.write(`${line}\n`),
    onProgress: progress.update,
  });
  progress.stop();
  const ms = Math.round(performance.now() - started);
  const { manifest } = opened;
  const sentences = manifest.documents.reduce((sum, d) => sum + d.sentences, 0);
  const summary = {
    rebuilt: opened.rebuiltBecause !== null,
    reason: opened.rebuiltBecause,
    documents: manifest.documents.length,
    sentences,
    chunks: manifest.chunkCount,
    skipped: manifest.skipped,
    embedding: manifest.embedding,
    ms,
  };
  if (options.json) {
    process.stdout.write(`${JSON.stringify(summary)}\n`);
    return;
  }
  const state = opened.rebuiltBecause ? `Built the store (${opened.rebuiltBecause})` : 'The store is up to date';
  process.stdout.write(
    `${state}: ${summary.documents} document(s), ${sentences} sentences, ${summary.chunks} chunks, ` +
      `${manifest.embedding.provider}/${manifest.embedding.model} (${manifest.embedding.dimensions} dims), ${ms} ms.\n`,
  );
  for (const s of manifest.skipped) process.stdout.write(`  skipped ${s.source}: ${s.reason}\n`);
}

runCli(import.meta.url, main);
