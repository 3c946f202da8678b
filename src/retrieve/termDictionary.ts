/**
 * A BM25 field's terms (`lexicalIndex.ts`): term → id for queries, the list by id for saving and updating. A built
 * index holds its terms as a list (a Map made on the first lookup); a loaded one (lexical.bin format 3) looks terms
 * up in the file's own hash table, so opening a store builds no Map of hundreds of thousands of terms and decodes
 * no term until a query asks for it. Format 2 files (no table) get the list and the lazy Map.
 */
export interface TermDictionary<T extends string | number> {
  readonly size: number;
  idOf(term: T): number | undefined;
  /** The terms by id (decoded on first call for a loaded dictionary). */
  keys(): readonly T[];
  /** The saved form (`encodeStringTerms` / `encodeNumberTerms`'s), made or as read. */
  encoded(): EncodedTerms;
}

export type EncodedTerms = { kind: 'strings'; block: Uint8Array; starts: Uint32Array; table: Int32Array } | { kind: 'numbers'; keys: Int32Array; table: Int32Array };

function encode(terms: readonly (string | number)[], kind: EncodedTerms['kind']): EncodedTerms {
  return kind === 'numbers' ? { kind, ...encodeNumberTerms(terms as readonly number[]) } : { kind, ...encodeStringTerms(terms as readonly string[]) };
}

export class ListDictionary<T extends string | number> implements TermDictionary<T> {
  private ids?: Map<T, number>;
  constructor(
    private readonly terms: T[],
    private readonly kind: EncodedTerms['kind'],
    ids?: Map<T, number>,
  ) {
    this.ids = ids;
  }
  encoded(): EncodedTerms {
    return encode(this.terms, this.kind);
  }
  get size(): number {
    return this.terms.length;
  }
  idOf(term: T): number | undefined {
    if (!this.ids) {
      // A term listed twice (only in a damaged file) keeps its first id.
      const ids = new Map<T, number>();
      for (let id = this.terms.length - 1; id >= 0; id--) ids.set(this.terms[id], id);
      this.ids = ids;
    }
    return this.ids.get(term);
  }
  keys(): readonly T[] {
    return this.terms;
  }
}

/** A table of `2^k ≥ 2 × terms` slots holding id + 1 (0: empty), linear probing. */
export function tableSize(terms: number): number {
  let size = 2;
  while (size < terms * 2) size *= 2;
  return size;
}

function mix(hash: number): number {
  let h = Math.imul(hash ^ (hash >>> 16), 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** FNV-1a over `bytes[from, to)`, mixed. */
function hashBytes(bytes: Uint8Array, from: number, to: number): number {
  let hash = 0x811c9dc5;
  for (let i = from; i < to; i++) hash = Math.imul(hash ^ bytes[i], 0x01000193);
  return mix(hash);
}

function place(table: Int32Array, hash: number, id: number): void {
  const mask = table.length - 1;
  let slot = hash & mask;
  while (table[slot] !== 0) slot = (slot + 1) & mask;
  table[slot] = id + 1;
}

/** The saved form of string terms: their UTF-8 '\n'-joined, where each starts, and the hash table. */
export function encodeStringTerms(terms: readonly string[]): { block: Uint8Array; starts: Uint32Array; table: Int32Array } {
  const joined = terms.join('\n');
  const block = new TextEncoder().encode(joined);
  const starts = new Uint32Array(terms.length + 1);
  let term = 0;
  for (let i = 0; i < block.length; i++) if (block[i] === 0x0a) starts[++term] = i + 1;
  if (terms.length > 0 && term !== terms.length - 1) throw new Error('a lexical term contains a line break');
  // The last term ends at the block's end; `starts[t + 1] − 1` ends the others (the line break).
  starts[terms.length] = terms.length ? block.length + 1 : 0;
  const table = new Int32Array(tableSize(terms.length));
  for (let t = 0; t < terms.length; t++) place(table, hashBytes(block, starts[t], starts[t + 1] - 1), t);
  return { block, starts, table };
}

export function encodeNumberTerms(terms: readonly number[]): { keys: Int32Array; table: Int32Array } {
  const keys = Int32Array.from(terms);
  const table = new Int32Array(tableSize(keys.length));
  for (let t = 0; t < keys.length; t++) place(table, mix(keys[t]), t);
  return { keys, table };
}

const encoder = new TextEncoder();

/**
 * String terms as saved. Lookups read the table and compare bytes; anything out of range in a damaged file reads as
 * "not there" rather than throwing (the file's checksum has already been checked by then).
 */
export class StoredStringDictionary implements TermDictionary<string> {
  private list?: string[];
  constructor(
    private readonly block: Uint8Array,
    private readonly starts: Uint32Array,
    private readonly table: Int32Array,
  ) {}
  get size(): number {
    return this.starts.length - 1;
  }
  encoded(): EncodedTerms {
    return { kind: 'strings', block: this.block, starts: this.starts, table: this.table };
  }
  idOf(term: string): number | undefined {
    const bytes = encoder.encode(term);
    const mask = this.table.length - 1;
    let slot = hashBytes(bytes, 0, bytes.length) & mask;
    for (let probes = 0; probes < this.table.length; probes++) {
      const held = this.table[slot];
      if (held === 0) return undefined;
      const id = held - 1;
      if (id < this.size) {
        const from = this.starts[id];
        const to = this.starts[id + 1] - 1;
        if (to - from === bytes.length && to <= this.block.length) {
          let k = 0;
          while (k < bytes.length && this.block[from + k] === bytes[k]) k++;
          if (k === bytes.length) return id;
        }
      }
      slot = (slot + 1) & mask;
    }
    return undefined;
  }
  keys(): readonly string[] {
    if (!this.list) {
      const text = new TextDecoder('utf-8', { fatal: true }).decode(this.block);
      this.list = this.size === 0 ? [] : text.split('\n');
      if (this.list.length !== this.size) throw new Error(`lexical index: ${this.list.length} terms listed, not ${this.size}`);
    }
    return this.list;
  }
}

export class StoredNumberDictionary implements TermDictionary<number> {
  private list?: number[];
  constructor(
    private readonly stored: Int32Array,
    private readonly table: Int32Array,
  ) {}
  get size(): number {
    return this.stored.length;
  }
  encoded(): EncodedTerms {
    return { kind: 'numbers', keys: this.stored, table: this.table };
  }
  idOf(term: number): number | undefined {
    const mask = this.table.length - 1;
    let slot = mix(term) & mask;
    for (let probes = 0; probes < this.table.length; probes++) {
      const held = this.table[slot];
      if (held === 0) return undefined;
      if (held - 1 < this.stored.length && this.stored[held - 1] === term) return held - 1;
      slot = (slot + 1) & mask;
    }
    return undefined;
  }
  keys(): readonly number[] {
    this.list ??= Array.from(this.stored);
    return this.list;
  }
}

/**
 * The terms of an updated field: a previous dictionary's (all, or those `keptBase` lists, in order) followed by
 * `appended`. Lookups go through the previous dictionary (no term decoded), and its saved form is extended byte for
 * byte rather than made again from strings.
 */
export class ExtendedDictionary<T extends string | number> implements TermDictionary<T> {
  /** Previous id → id here, or -1 for a dropped term. */
  private readonly fromBase: Int32Array | null;
  private readonly appendedIds: Map<T, number>;
  private list?: T[];

  constructor(
    private readonly base: TermDictionary<T>,
    private readonly keptBase: Int32Array | null,
    private readonly appended: T[],
  ) {
    if (keptBase) {
      this.fromBase = new Int32Array(base.size).fill(-1);
      keptBase.forEach((id, k) => (this.fromBase![id] = k));
    } else {
      this.fromBase = null;
    }
    this.appendedIds = new Map(appended.map((term, i) => [term, this.baseCount + i]));
  }

  private get baseCount(): number {
    return this.keptBase ? this.keptBase.length : this.base.size;
  }

  get size(): number {
    return this.baseCount + this.appended.length;
  }

  idOf(term: T): number | undefined {
    const id = this.base.idOf(term);
    if (id !== undefined) {
      const here = this.fromBase ? this.fromBase[id] : id;
      if (here >= 0) return here;
    }
    return this.appendedIds.get(term);
  }

  keys(): readonly T[] {
    if (!this.list) {
      const all = this.base.keys();
      const kept = this.keptBase ? Array.from(this.keptBase, (id) => all[id]) : all.slice();
      this.list = kept.concat(this.appended);
    }
    return this.list;
  }

  encoded(): EncodedTerms {
    const base = this.base.encoded();
    const size = this.size;
    if (base.kind === 'numbers') {
      const keys = new Int32Array(size);
      if (this.keptBase) this.keptBase.forEach((id, k) => (keys[k] = base.keys[id]));
      else keys.set(base.keys);
      keys.set(this.appended as unknown as number[], this.baseCount);
      const reuse = !this.keptBase && base.table.length === tableSize(size);
      const table = reuse ? base.table.slice() : new Int32Array(tableSize(size));
      for (let t = reuse ? this.baseCount : 0; t < size; t++) place(table, mix(keys[t]), t);
      return { kind: 'numbers', keys, table };
    }
    // Strings: the kept terms' bytes copied, the appended ones encoded; all joined by line breaks.
    const added = encoder.encode((this.appended as unknown as string[]).join('\n'));
    const keptIds = this.keptBase;
    const baseCount = this.baseCount;
    const termBytes = (id: number) => base.starts[id + 1] - 1 - base.starts[id];
    let total = added.length + (baseCount > 0 && this.appended.length > 0 ? 1 : 0);
    if (keptIds) for (let k = 0; k < baseCount; k++) total += termBytes(keptIds[k]) + (k > 0 ? 1 : 0);
    else total += base.block.length;
    const block = new Uint8Array(total);
    const starts = new Uint32Array(size + 1);
    let at = 0;
    if (keptIds) {
      for (let k = 0; k < baseCount; k++) {
        if (k > 0) block[at++] = 0x0a;
        starts[k] = at;
        const from = base.starts[keptIds[k]];
        block.set(base.block.subarray(from, from + termBytes(keptIds[k])), at);
        at += termBytes(keptIds[k]);
      }
    } else {
      block.set(base.block, 0);
      starts.set(base.starts.subarray(0, baseCount), 0);
      at = base.block.length;
    }
    if (this.appended.length > 0) {
      if (baseCount > 0) block[at++] = 0x0a;
      block.set(added, at);
      let t = baseCount;
      starts[t] = at;
      for (let i = 0; i < added.length; i++) if (added[i] === 0x0a) starts[++t] = at + i + 1;
    }
    starts[size] = size ? total + 1 : 0;
    const reuse = !keptIds && base.table.length === tableSize(size);
    const table = reuse ? base.table.slice() : new Int32Array(tableSize(size));
    for (let t = reuse ? baseCount : 0; t < size; t++) place(table, hashBytes(block, starts[t], starts[t + 1] - 1), t);
    return { kind: 'strings', block, starts, table };
  }
}
