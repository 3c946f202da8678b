import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { segmentDocument, chunkDocument, type IndexedDocument } from '../src/chunk/chunker.js';
import { createEmbeddings } from '../src/embed/providers.js';
import { readIndex } from '../src/store/vectorIndex.js';
import { structureChecksum } from '../src/store/indexStructure.js';
import { decodeDocumentsFile, encodeDocumentsFile } from '../src/store/documentsFile.js';
import { decodeChunks, decodeChunksSliced, encodeChunks, FILES } from '../src/store/generationFiles.js';
import { openKnowledgeBase, retrievalOptions } from '../src/store/openKnowledgeBase.js';
import { parsePointVectors } from '../src/store/pointVectors.js';
import { currentGeneration, loadGeneration } from '../src/store/vectorStore.js';
import { scanSeeds, toSource } from '../src/seeds/loadSeeds.js';
import { SeedHashCache } from '../src/seeds/hashCache.js';
import { tempProject } from './helpers/tempProject.js';

/**
 * The load reads each store file once, checks the bytes it read and decodes those; hnswlib reads the index
 * only after its checksum passed; the store is loaded while the seeds are scanned and dropped if they changed.
 */
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function project() {
  const p = await tempProject();
  cleanups.push(p.cleanup);
  for (let i = 0; i < 12; i++) {
    await fs.writeFile(path.join(p.seeds, `d${i}.txt`), `Dokumen ${i} tentang pelabuhan Busan dan kapal nomor ${i}. Menteri luar negeri bertemu di kota ${i}. Harga minyak naik ${i} persen.`);
  }
  return p;
}

async function damage(file: string, how: 'flip' | 'append'): Promise<void> {
  const bytes = await fs.readFile(file);
  if (how === 'append') {
    await fs.writeFile(file, Buffer.concat([bytes, Buffer.from('x')]));
    return;
  }
  bytes[Math.floor(bytes.length / 2)] ^= 0x01;
  await fs.writeFile(file, bytes);
}

describe('a damaged store file', () => {
  it.each([
    [FILES.chunks, 'flip', /chunks\.json checksum mismatch/],
    [FILES.idf, 'flip', /idf\.bin checksum mismatch/],
    [FILES.lexical, 'flip', /lexical\.bin checksum mismatch/],
    [FILES.documents, 'append', /documents\.bin has \d+ bytes, not \d+/],
    [FILES.index, 'append', /hnswlib\.index has \d+ bytes, not \d+/],
  ] as const)('%s (%s) is refused and the store rebuilt', async (name, how, reason) => {
    const p = await project();
    await openKnowledgeBase(p.config());
    await damage(path.join((await currentGeneration(p.store))!, name), how);
    const reopened = await openKnowledgeBase(p.config());
    expect(reopened.rebuiltBecause).toMatch(reason);
    expect((await reopened.kb.search('kapal di pelabuhan Busan', { k: 1 }))[0].chunk.text).toContain('Busan');
    expect((await openKnowledgeBase(p.config())).rebuiltBecause).toBeNull();
  });

  it('refuses a damaged index at load, every other file being fine', async () => {
    const p = await project();
    const config = p.config();
    await openKnowledgeBase(config);
    const gen = (await currentGeneration(p.store))!;
    // Bytes in the middle of the level-0 records: links and vectors hnswlib would trust.
    await damage(path.join(gen, FILES.index), 'flip');
    const embeddings = await createEmbeddings(config.embeddings);
    await expect(loadGeneration(gen, embeddings, retrievalOptions(config))).rejects.toThrow(/hnswlib\.index checksum mismatch/);
  });

  it('a manifest that lists no checksum for a file the load needs is refused', async () => {
    const p = await project();
    const config = p.config();
    await openKnowledgeBase(config);
    const gen = (await currentGeneration(p.store))!;
    const manifestFile = path.join(gen, FILES.manifest);
    const manifest = JSON.parse(await fs.readFile(manifestFile, 'utf8'));
    delete manifest.files[FILES.chunks];
    await fs.writeFile(manifestFile, JSON.stringify(manifest));
    const embeddings = await createEmbeddings(config.embeddings);
    await expect(loadGeneration(gen, embeddings, retrievalOptions(config))).rejects.toThrow(/no checksum for chunks\.json/);
  });
});

describe('the store load', () => {
  it('stops a load once its signal is aborted', async () => {
    const p = await project();
    const config = p.config();
    await openKnowledgeBase(config);
    const embeddings = await createEmbeddings(config.embeddings);
    const aborted = AbortSignal.abort(new Error('not needed any more'));
    await expect(loadGeneration((await currentGeneration(p.store))!, embeddings, retrievalOptions(config), { signal: aborted })).rejects.toThrow(/not needed any more/);
  });

  it('reads point vectors equal to what hnswlib returns, as views of one buffer (no copy)', async () => {
    const p = await project();
    const config = p.config();
    const { manifest } = await openKnowledgeBase(config);
    const file = path.join((await currentGeneration(p.store))!, FILES.index);
    const bytes = await fs.readFile(file);
    const points = parsePointVectors(bytes, manifest.embedding.dimensions)!;
    const index = await readIndex(file, manifest.embedding.dimensions);
    const labels = index.getIdsList();
    expect(labels.length).toBeGreaterThan(5);
    for (const label of labels) expect([...points.get(label)!]).toEqual(index.getPoint(label).map(Math.fround));
    expect(points.get(labels[0])!.buffer).toBe(bytes.buffer);
    // The same bytes at an odd offset (not 4-byte aligned) give the same vectors, copied once.
    const shifted = Buffer.alloc(bytes.length + 1);
    bytes.copy(shifted, 1);
    const unaligned = parsePointVectors(shifted.subarray(1), manifest.embedding.dimensions)!;
    for (const label of labels) expect(unaligned.get(label)).toEqual(points.get(label));
    expect(points.get(-1)).toBeUndefined();
    expect(points.get(1.5)).toBeUndefined();
  });

  it('refuses point vectors whose labels repeat', () => {
    // A header for 2 records of 16 bytes: a 4-dimension vector at 0, the label at 8 (overlapping: only labels matter here).
    const dims = 2;
    const file = Buffer.alloc(96 + 2 * 16);
    file.writeBigUInt64LE(2n, 16); // count
    file.writeBigUInt64LE(16n, 24); // record bytes
    file.writeBigUInt64LE(8n, 32); // label offset
    file.writeBigUInt64LE(0n, 40); // data offset
    file.writeBigUInt64LE(7n, 96 + 8);
    file.writeBigUInt64LE(8n, 96 + 16 + 8);
    expect(parsePointVectors(file, dims)?.count).toBe(2);
    file.writeBigUInt64LE(7n, 96 + 16 + 8);
    expect(parsePointVectors(file, dims)).toBeNull();
    file.writeBigUInt64LE(2n ** 40n, 96 + 16 + 8);
    expect(parsePointVectors(file, dims)).toBeNull();
  });

  it('drops the store it loaded ahead when the seeds changed meanwhile, and builds from the new seeds', async () => {
    const p = await project();
    await openKnowledgeBase(p.config());
    await fs.writeFile(path.join(p.seeds, 'd3.txt'), 'Dokumen tiga sekarang tentang gunung berapi Merapi yang meletus.');
    const reopened = await openKnowledgeBase(p.config());
    expect(reopened.rebuiltBecause).toMatch(/edited seeds\/d3\.txt/);
    expect((await reopened.kb.search('gunung berapi Merapi', { k: 1 }))[0].chunk.source).toBe('seeds/d3.txt');
  });
});

describe('documents.bin', () => {
  const awkward = 'Baris satu.\nBaris dua dengan "kutip", \\ garis miring, tab\t, U+2028 \u2028 dan surrogate sendiri \ud800. Akhir.';
  const texts = [awkward, 'Dokumen kedua. Kalimat kedua.', 'Ketiga, dengan é, 中文 dan emoji 🙂. Selesai.', 'Café à côté. Déjà vu — “kutipan”.', 'Résumé naïf. Ünïcödé.'];
  const docs = (): IndexedDocument[] =>
    texts.map((content, i) => segmentDocument({ source: `seeds/d${i}.txt`, title: `D${i}`, content, bodyStart: 0, ...(i === 1 ? { date: '2020-01-14', pageStarts: [0, 15] } : {}) }) as IndexedDocument);

  it('give back every document as it was: Latin-1, other scripts, emoji and a lone surrogate, metadata included', async () => {
    const decoded = await decodeDocumentsFile(encodeDocumentsFile(docs()));
    expect(decoded).toEqual(docs());
    for (let i = 0; i < texts.length; i++) expect(decoded[i].content).toBe(texts[i]);
    expect(await decodeDocumentsFile(encodeDocumentsFile([]))).toEqual([]);
  });

  it('give back texts decoded in pieces (many documents, both kinds interleaved) at their exact offsets', async () => {
    const many = Array.from({ length: 3000 }, (_, i) =>
      segmentDocument({ source: `seeds/m${i}.txt`, title: `M${i}`, content: i % 3 ? `Dokumen ${i} berbahasa Indonesia. `.repeat(30) : `Document ${i} — “quoted”. `.repeat(30), bodyStart: 0 }) as IndexedDocument,
    );
    const bytes = encodeDocumentsFile(many);
    expect(bytes.byteLength).toBeGreaterThan(3 * 1024 * 1024); // more than one piece of each kind
    const decoded = await decodeDocumentsFile(bytes);
    expect(decoded.map((d) => d.content)).toEqual(many.map((d) => d.content));
    expect(decoded[2999].sentences).toEqual(many[2999].sentences);
  });

  it('refuse a file that does not add up', async () => {
    const bytes = encodeDocumentsFile(docs());
    await expect(decodeDocumentsFile(bytes.subarray(0, bytes.byteLength - 1))).rejects.toThrow(/malformed/);
    await expect(decodeDocumentsFile(Buffer.concat([bytes, Buffer.from('x')]))).rejects.toThrow(/malformed/);
    const wrongMagic = Buffer.from(bytes);
    wrongMagic[0] = 0x41;
    await expect(decodeDocumentsFile(wrongMagic)).rejects.toThrow(/malformed/);
    // A sentence that ends past its document's text.
    const headerEnd = 12 + bytes.readUInt32LE(8);
    const firstSpanEnd = headerEnd + ((4 - (headerEnd % 4)) % 4) + 4;
    const pastEnd = Buffer.from(bytes);
    pastEnd.writeInt32LE(texts[0].length + 1, firstSpanEnd);
    await expect(decodeDocumentsFile(pastEnd)).rejects.toThrow(/malformed/);
    // A header whose lengths disagree with the text it describes.
    const header = JSON.parse(bytes.toString('utf8', 12, headerEnd)) as { documents: { chars: number }[] };
    header.documents[2].chars += 1; // a UTF-8 text: its piece decodes to fewer characters than stated
    const json = Buffer.from(JSON.stringify(header));
    const lying = Buffer.concat([bytes.subarray(0, 8), Buffer.alloc(4), json]);
    lying.writeUInt32LE(json.byteLength, 8);
    const pad = Buffer.alloc((4 - (lying.byteLength % 4)) % 4);
    await expect(decodeDocumentsFile(Buffer.concat([lying, pad, bytes.subarray(headerEnd + ((4 - (headerEnd % 4)) % 4))]))).rejects.toThrow(/malformed/);
  });

  it('let the event loop run while a large briefing is decoded', async () => {
    const many = Array.from({ length: 6000 }, (_, i) =>
      segmentDocument({ source: `seeds/n${i}.txt`, title: `N${i}`, content: `Dokumen ${i}. `.repeat(60), bodyStart: 0 }) as IndexedDocument,
    );
    const bytes = encodeDocumentsFile(many);
    let finished = false;
    let ranDuring = false;
    setImmediate(() => (ranDuring = !finished));
    const decoded = await decodeDocumentsFile(bytes);
    finished = true;
    expect(decoded).toHaveLength(many.length);
    expect(ranDuring).toBe(true);
    const chunks = many.slice(0, 500).flatMap((d) => chunkDocument(d, { targetChars: 200, overlapSentences: 1 }));
    const table = encodeChunks(chunks, many.slice(0, 500), Int32Array.from(chunks, (_, i) => i));
    expect(await decodeChunksSliced(table, decoded.slice(0, 500))).toEqual(decodeChunks(table, decoded.slice(0, 500)));
  });
});

describe('the seeds scan', () => {
  it('names files as toSource does, nested and through a linked folder, with and without the hash cache', async () => {
    const p = await tempProject(false);
    cleanups.push(p.cleanup);
    await fs.mkdir(path.join(p.seeds, 'a', 'b'), { recursive: true });
    await fs.writeFile(path.join(p.seeds, 'a', 'b', 'x.txt'), 'Isi x.');
    await fs.writeFile(path.join(p.seeds, 'top.md'), 'Isi top.');
    await fs.mkdir(path.join(p.root, 'outside'));
    await fs.symlink(path.join(p.seeds, 'a'), path.join(p.seeds, 'link'));
    const plain = await scanSeeds(p.seeds, 1_000_000, p.root);
    expect(plain.files.map((f) => f.source)).toEqual(plain.files.map((f) => toSource(p.root, f.file)));
    expect(plain.files.map((f) => f.source).sort()).toEqual(['seeds/a/b/x.txt', 'seeds/top.md']);
    const cache = await SeedHashCache.open(null);
    expect(await scanSeeds(p.seeds, 1_000_000, p.root, cache)).toEqual(plain);
    expect(cache.knows(path.join(p.seeds, 'top.md'))).toBe(false); // just written: not trusted yet
  });
});

describe('the index structure checksum (what hnswlib follows while reading the index)', () => {
  it('covers the header and upper-level links, not the level-0 records; a damaged link list is refused before hnswlib reads the file', async () => {
    const p = await project();
    const config = p.config();
    await openKnowledgeBase(config);
    const gen = (await currentGeneration(p.store))!;
    const file = path.join(gen, FILES.index);
    const manifest = JSON.parse(await fs.readFile(path.join(gen, FILES.manifest), 'utf8')) as { files: Record<string, { structure?: string }> };
    const listed = manifest.files[FILES.index].structure;
    expect(listed).toMatch(/^crc32:[0-9a-f]{8}$/);
    expect(await structureChecksum(file)).toBe(listed);
    const original = await fs.readFile(file);
    const words = new Uint32Array(original.buffer, original.byteOffset, 24);
    const linksStart = 96 + words[4] * words[6];
    expect(linksStart).toBeLessThan(original.byteLength);
    // A byte of a vector: the structure is the same (the whole-file checksum catches it).
    const vector = Buffer.from(original);
    vector[96 + words[10] + 5] ^= 1;
    await fs.writeFile(file, vector);
    expect(await structureChecksum(file)).toBe(listed);
    // A byte of the upper-level links, or of the header: refused for it, before hnswlib reads the file.
    const embeddings = await createEmbeddings(config.embeddings);
    for (const at of [original.byteLength - 1, 60]) {
      const links = Buffer.from(original);
      links[at] ^= 1;
      await fs.writeFile(file, links);
      expect(await structureChecksum(file)).not.toBe(listed);
      await expect(loadGeneration(gen, embeddings, retrievalOptions(config))).rejects.toThrow(/hnswlib\.index structure checksum mismatch/);
    }
  });
});
