import { parse as parseYaml } from 'yaml';

/** What we learn about a document besides its text. `bodyStart` is where the citable text begins. */
export interface DocumentMetadata {
  title: string;
  date?: string;
  photo?: string;
  url?: string;
  /** Offset of the first character after YAML front matter (0 when there is none). */
  bodyStart: number;
}

// "date 2020-01 Photo : YONHAP News": the header line of the seed's source. Kept in the text (someone will ask
// who took the photo); parsed here into fields.
const HEADER = /^\s*date\s+(\d{4}-\d{2}(?:-\d{2})?)\b(?:\s+(?:photo|foto)\s*:\s*(.+?))?\s*$/i;
const FRONT_MATTER = /^\uFEFF?---[ \t]*\r?\n([\s\S]*?)\r?\n---[ \t]*(?:\r?\n|$)/;

function titleFromFileName(fileName: string): string {
  const base = fileName.replace(/\.[^.]+$/, '').replace(/[_-]+/g, ' ').trim();
  return base || fileName;
}

function asString(value: unknown): string | undefined {
  if (value instanceof Date) return value.toISOString().slice(0, 10);
  if (typeof value === 'string' || typeof value === 'number') return String(value).trim() || undefined;
  return undefined;
}

export function parseMetadata(content: string, fileName: string): DocumentMetadata {
  const meta: DocumentMetadata = { title: titleFromFileName(fileName), bodyStart: 0 };
  const front = fileName.toLowerCase().endsWith('.md') ? FRONT_MATTER.exec(content) : null;
  if (front) {
    meta.bodyStart = front[0].length;
    try {
      const data = parseYaml(front[1]) as Record<string, unknown> | null;
      if (data && typeof data === 'object') {
        meta.title = asString(data.title) ?? meta.title;
        meta.date = asString(data.date);
        meta.url = asString(data.url);
        meta.photo = asString(data.photo);
      }
    } catch {
      // Broken front matter is kept out of the text but gives no fields; the file still counts.
    }
  }
  const firstLine = content.slice(meta.bodyStart).split('\n', 1)[0];
  const header = HEADER.exec(firstLine);
  if (header) {
    meta.date ??= header[1];
    if (header[2]) meta.photo ??= header[2];
  }
  return meta;
}
