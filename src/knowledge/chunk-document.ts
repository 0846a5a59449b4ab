import type { Block, Chunk, FaqRow, ParsedDocument } from './knowledge-types.js';

export interface ChunkOptions {
  /** Content characters per chunk, breadcrumb line not counted. Default 600. */
  maxChars?: number;
  /** A section's last chunk shorter than this joins the one before it. Default 120. */
  minChars?: number;
}

/** One indivisible piece of a section: a block, or a sentence of a paragraph too long for one chunk. */
interface Unit {
  text: string;
  /** Table rows: the header row, written once before a run of rows with the same header. */
  header?: string;
  /** Set on the second and later pieces of a split paragraph: what joins it to the piece before. */
  glue?: string;
}

const sentenceEnd = /[。！？；]+[”’」』）)"']*|[.?!;]+[”’"')\]]*(?=\s)|\n/gu;
const clauseEnd = /[，、；：]|[,:](?=\s)/gu;
const abbreviation = /(?:^|[\s(])(?:[A-Za-z]|e\.g|i\.e|etc|vs|mr|mrs|ms|dr|no|nos|st|inc|ltd|co|corp|approx|fig|jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec)\.$/iu;
const numberedItem = /^(?:\d{1,3}[.)、]|[（(]\d{1,3}[）)]|[a-z][.)]\s)/u;

interface Piece {
  text: string;
  glue: string;
}

/** Cuts after each match of `boundary`; the whitespace after a cut becomes the next piece's glue. */
function cutAt(text: string, boundary: RegExp, accept: (before: string) => boolean = () => true): Piece[] {
  const pieces: Piece[] = [];
  let start = 0;
  let glue = '';
  for (const match of text.matchAll(boundary)) {
    const end = match.index + match[0].length;
    if (end >= text.length || !accept(text.slice(start, end))) continue;
    const piece = text.slice(start, end).trim();
    const rest = text.slice(end);
    const whitespace = /^\s*/u.exec(rest)?.[0] ?? '';
    if (piece !== '') {
      pieces.push({ text: piece, glue });
      glue = whitespace === '' ? '' : ' ';
    }
    start = end + whitespace.length;
  }
  const last = text.slice(start).trim();
  if (last !== '') pieces.push({ text: last, glue });
  return pieces;
}

function hardSplit(piece: Piece, maxChars: number): Piece[] {
  const pieces: Piece[] = [];
  const characters = Array.from(piece.text);
  let glue = piece.glue;
  while (characters.length > 0) {
    let take = Math.min(maxChars, characters.length);
    if (take < characters.length) {
      // Prefer a space in the last third of the window so an English word is not cut in two.
      const window = characters.slice(0, take);
      const space = window.lastIndexOf(' ');
      if (space > take * 0.66) take = space + 1;
    }
    const text = characters.splice(0, take).join('');
    pieces.push({ text: text.trim(), glue });
    glue = text.endsWith(' ') ? ' ' : '';
  }
  return pieces.filter((entry) => entry.text !== '');
}

/** Sentences first; a sentence over the limit is cut at clauses, and only a clause over the limit is cut hard. */
function splitLongText(text: string, maxChars: number): Piece[] {
  const notAbbreviation = (before: string): boolean => !(before.endsWith('.') && abbreviation.test(before));
  return cutAt(text, sentenceEnd, notAbbreviation).flatMap((sentence) => {
    if (sentence.text.length <= maxChars) return [sentence];
    return cutAt(sentence.text, clauseEnd).flatMap((clause, index) => {
      const withGlue = index === 0 ? { ...clause, glue: sentence.glue } : clause;
      return withGlue.text.length <= maxChars ? [withGlue] : hardSplit(withGlue, maxChars);
    });
  });
}

function unitsOf(block: Block, maxChars: number): Unit[] {
  if (block.type === 'table-row') return [block.tableHeader === undefined ? { text: block.text } : { text: block.text, header: block.tableHeader }];
  const text = block.type === 'list-item' && !numberedItem.test(block.text) ? `- ${block.text}` : block.text;
  if (text.length <= maxChars) return [{ text }];
  const pieces = block.type === 'code' ? cutAt(text, /\n/gu) : splitLongText(text, maxChars);
  return pieces
    .flatMap((piece) => (piece.text.length <= maxChars ? [piece] : hardSplit(piece, maxChars)))
    .map((piece, index) => (index === 0 ? { text: piece.text } : { text: piece.text, glue: block.type === 'code' ? '\n' : piece.glue }));
}

function separator(previous: Unit | undefined, unit: Unit): string {
  if (previous === undefined) return '';
  return unit.glue ?? '\n';
}

function render(units: readonly Unit[]): string {
  let body = '';
  let previous: Unit | undefined;
  for (const unit of units) {
    const needsHeader = unit.header !== undefined && unit.header !== previous?.header;
    if (needsHeader) body += `${previous === undefined ? '' : '\n'}${unit.header}\n${unit.text}`;
    else body += separator(previous, unit) + unit.text;
    previous = unit;
  }
  return body;
}

function packSection(units: readonly Unit[], maxChars: number, minChars: number): Unit[][] {
  const chunks: Unit[][] = [];
  let current: Unit[] = [];
  let length = 0;
  const cost = (unit: Unit, previous: Unit | undefined): number => {
    const needsHeader = unit.header !== undefined && unit.header !== previous?.header;
    const headerCost = needsHeader ? (unit.header?.length ?? 0) + 1 : 0;
    return headerCost + separator(previous, unit).length + unit.text.length;
  };
  for (const unit of units) {
    if (current.length > 0 && length + cost(unit, current.at(-1)) > maxChars) {
      chunks.push(current);
      current = [];
      length = 0;
    }
    length += cost(unit, current.at(-1));
    current.push(unit);
  }
  if (current.length > 0) chunks.push(current);
  const last = chunks.at(-1);
  const beforeLast = chunks.at(-2);
  if (last && beforeLast && render(last).length < minChars) {
    chunks.splice(-2, 2, [...beforeLast, ...last]);
  }
  return chunks;
}

function withBreadcrumb(headingPath: readonly string[], body: string): string {
  return headingPath.length === 0 ? body : `${headingPath.join(' > ')}\n${body}`;
}

/**
 * Splits a parsed document into retrieval chunks. A heading closes the chunk before it; blocks under one
 * heading are packed up to maxChars; long paragraphs are split at sentence ends; table rows are never split
 * and a chunk of rows starts with their header row. Each chunk's text opens with its heading path.
 */
export function chunkDocument(document: ParsedDocument, options: ChunkOptions = {}): Chunk[] {
  const maxChars = Math.max(1, options.maxChars ?? 600);
  const minChars = options.minChars ?? 120;
  const chunks: Chunk[] = [];
  const stack: Array<{ level: number; text: string }> = [];
  const title = document.metadata.title?.trim();
  let units: Unit[] = [];

  const closeSection = (): void => {
    if (units.length === 0) return;
    const headingPath = stack.length > 0 ? stack.map((heading) => heading.text) : title ? [title] : [];
    for (const section of packSection(units, maxChars, minChars)) {
      const body = render(section);
      chunks.push({ ordinal: chunks.length, text: withBreadcrumb(headingPath, body), headingPath: [...headingPath], fields: { heading: headingPath.join('\n'), body } });
    }
    units = [];
  };

  for (const block of document.blocks) {
    if (block.text.trim() === '') continue;
    if (block.type === 'heading') {
      closeSection();
      const level = block.level ?? 1;
      while ((stack.at(-1)?.level ?? 0) >= level) stack.pop();
      stack.push({ level, text: block.text.trim() });
    } else {
      units.push(...unitsOf(block, maxChars));
    }
  }
  closeSection();

  // A document of headings only still says something; index it rather than nothing.
  if (chunks.length === 0) {
    const headings = document.blocks.filter((block) => block.text.trim() !== '').map((block) => block.text.trim());
    if (headings.length > 0) chunks.push({ ordinal: 0, text: headings.join('\n'), headingPath: [], fields: { heading: headings.join('\n'), body: '' } });
  }
  return chunks;
}

/** One FAQ row is one chunk, however long: an answer cut in half would be retrieved without its conditions. */
export function chunkFaqRow(row: FaqRow): Chunk {
  const headingPath = row.product ? [row.product] : [];
  const body = [...row.questions.map((question) => `Q: ${question}`), `A: ${row.answer}`].join('\n');
  // Every question, the standard one and each similar one (相似问), is indexed in the heading field.
  return { ordinal: 0, text: withBreadcrumb(headingPath, body), headingPath, fields: { heading: row.questions.join('\n'), body: row.answer } };
}
