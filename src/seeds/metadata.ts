import { parseDocument } from 'yaml';

/** What we learn about a document besides its text. `bodyStart` is where the citable text begins. */
export interface DocumentMetadata {
  title: string;
  date?: string;
  photo?: string;
  url?: string;
  /** Offset of the first character after YAML front matter (0 when there is none). */
  bodyStart: number;
  /** Something about the file worth one line to the operator (malformed front matter), when there is. */
  notice?: string;
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

/** The first line of a YAML error or warning, without the source excerpt yaml appends. */
function firstLine(message: string): string {
  return message.split('\n', 1)[0].replace(/:$/, '');
}

/**
 * Front matter that is not a YAML mapping is read as plain text (bodyStart 0): a Markdown file may well open with
 * a `---` rule, and text the operator wrote must not vanish because it looked like front matter. Either way the
 * operator hears about it in one line. yaml's own warnings (printed on stderr, five lines each) are silenced.
 */
function readFrontMatter(yaml: string): { data?: Record<string, unknown>; notice?: string } {
  const doc = parseDocument(yaml, { logLevel: 'silent' });
  if (doc.errors.length) return { notice: `malformed front matter (${firstLine(doc.errors[0].message)}); read as plain text` };
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: 100 });
  } catch (error) {
    return { notice: `malformed front matter (${firstLine((error as Error).message)}); read as plain text` };
  }
  if (data == null && !yaml.trim()) return { data: {} }; // "---\n\n---": empty, and valid
  if (!data || typeof data !== 'object' || Array.isArray(data)) {
    return { notice: 'front matter is not a list of "key: value" fields; read as plain text' };
  }
  const notice = doc.warnings.length ? `front matter: ${firstLine(doc.warnings[0].message)} (ignored)` : undefined;
  return { data: data as Record<string, unknown>, notice };
}

export function parseMetadata(content: string, fileName: string): DocumentMetadata {
  const meta: DocumentMetadata = { title: titleFromFileName(fileName), bodyStart: 0 };
  const front = fileName.toLowerCase().endsWith('.md') ? FRONT_MATTER.exec(content) : null;
  if (front) {
    const { data, notice } = readFrontMatter(front[1]);
    meta.notice = notice;
    if (data) {
      meta.bodyStart = front[0].length;
      meta.title = asString(data.title) ?? meta.title;
      meta.date = asString(data.date);
      meta.url = asString(data.url);
      meta.photo = asString(data.photo);
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
