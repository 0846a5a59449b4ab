import { IngestError } from './ingest-error.js';
import type { Block, ParsedDocument } from './knowledge-types.js';
import { blocksToText, joinLines, normalizeNewlines } from './parse-text-lines.js';

const chineseNumber = '[一二三四五六七八九十百千零〇两\\d]+';
/** Numbering styles of Chinese regulations and bank documents; each is a heading only on a short line. */
const headingPatterns: ReadonlyArray<{ name: string; pattern: RegExp; strong: boolean }> = [
  { name: 'part', pattern: new RegExp(`^第${chineseNumber}(?:部分|编)`, 'u'), strong: true },
  { name: 'chapter', pattern: new RegExp(`^第${chineseNumber}章`, 'u'), strong: true },
  { name: 'section', pattern: new RegExp(`^第${chineseNumber}节`, 'u'), strong: true },
  { name: 'article', pattern: new RegExp(`^第${chineseNumber}条`, 'u'), strong: true },
  { name: 'chinese-number', pattern: /^[一二三四五六七八九十百]+[、．.]/u, strong: true },
  { name: 'chinese-parenthesised', pattern: /^[（(][一二三四五六七八九十百]+[）)]/u, strong: true },
  { name: 'decimal-3', pattern: /^\d{1,3}\.\d{1,3}\.\d{1,3}\.?[ \t]*(?=\S)/u, strong: false },
  { name: 'decimal-2', pattern: /^\d{1,3}\.\d{1,3}\.?[ \t]*(?=[^\d\s%])/u, strong: false },
  { name: 'decimal-1', pattern: /^\d{1,3}(?:[.．][ \t]+|、)(?=\S)/u, strong: false },
];
const capsHeading = /^(?=.*[A-Z]{2})[A-Z0-9][A-Z0-9 &/,'()\-:]*$/u;
const endsLikeSentence = /[。！？；，、：.!?;,:]$/u;
const listMarker = /^(?:[-*•·●▪◦][ \t]+|\d{1,3}[.)][ \t]+|\d{1,3}、|[（(]\d{1,3}[）)][ \t]*|[a-z][.)][ \t]+)/u;
const bulletMarker = /^[-*•·●▪◦][ \t]+/u;
const indented = /^(?:\u3000|[ \t]{2,})/u;
const hasCjk = /[\u3400-\u9fff]/u;

/** The numbering style of a line that could be a heading, if it is short and does not read as a sentence. */
export function headingClass(line: string): string | undefined {
  const text = line.trim();
  const limit = hasCjk.test(text) ? 40 : 80;
  if (text.length > limit || endsLikeSentence.test(text)) return undefined;
  for (const { name, pattern } of headingPatterns) {
    const match = pattern.exec(text);
    if (match) return text.length > match[0].length ? name : undefined;
  }
  return text.length <= 60 && capsHeading.test(text) ? 'caps' : undefined;
}

/** Chinese chapter/article numbering: a heading wherever it stands on its own short line. */
export function isStrongHeadingClass(name: string): boolean {
  return headingPatterns.some((heading) => heading.name === name && heading.strong);
}

type Candidate = Block & { headingClass?: string };

function blocksOfGroup(lines: readonly string[]): Candidate[] {
  const out: Candidate[] = [];
  let paragraph: string[] = [];
  let item: string[] | undefined;
  const flush = (): void => {
    if (paragraph.length > 0) out.push({ type: 'paragraph', text: joinLines(paragraph) });
    if (item) out.push({ type: 'list-item', text: joinLines(item) });
    paragraph = [];
    item = undefined;
  };
  const allListLines = lines.length > 1 && lines.every((line) => listMarker.test(line.trim()));
  lines.forEach((line, index) => {
    const text = line.trim();
    const candidate = headingClass(text);
    if (candidate && !allListLines && (lines.length === 1 || index === 0 || isStrongHeadingClass(candidate))) {
      flush();
      out.push({ type: 'heading', text, headingClass: candidate });
      return;
    }
    if (listMarker.test(text)) {
      flush();
      item = [text.replace(bulletMarker, '')];
      return;
    }
    const previous = (item ?? paragraph).at(-1);
    if (indented.test(line) && previous !== undefined && endsLikeSentence.test(previous.trim())) flush();
    if (item && !(indented.test(line) || (previous !== undefined && !endsLikeSentence.test(previous.trim())))) {
      flush();
    }
    (item ?? paragraph).push(text);
  });
  flush();
  return out;
}

/**
 * Plain text: paragraphs split on blank lines; numbered or all-capitals short lines become headings when
 * that is safe — a candidate directly followed by another of the same numbering style is a list, not a
 * heading. Levels follow the order in which numbering styles first appear (一、 then （一） then 1.).
 */
export function parseText(source: string): ParsedDocument {
  const groups = normalizeNewlines(source)
    .split(/\n[ \t\u3000]*\n/u)
    .map((group) => group.split('\n').filter((line) => line.trim() !== ''))
    .filter((group) => group.length > 0);
  if (groups.length === 0) throw new IngestError('empty_document', 'the document has no text');

  let title: string | undefined;
  const firstGroup = groups[0] ?? [];
  const firstLine = firstGroup[0]?.trim() ?? '';
  if (
    groups.length > 1 &&
    firstGroup.length === 1 &&
    firstLine.length <= (hasCjk.test(firstLine) ? 40 : 80) &&
    !endsLikeSentence.test(firstLine) &&
    !listMarker.test(firstLine)
  ) {
    title = firstLine;
  }

  const candidates = groups.flatMap((group, index) => (index === 0 && title !== undefined ? [] : blocksOfGroup(group)));
  const levels = new Map<string, number>();
  const base = title === undefined ? 0 : 1;
  const blocks: Block[] = title === undefined ? [] : [{ type: 'heading', text: title, level: 1 }];
  candidates.forEach((candidate, index) => {
    const { headingClass: name, ...block } = candidate;
    if (name === undefined) {
      blocks.push(block);
      return;
    }
    const next = candidates[index + 1];
    if (next === undefined || next.headingClass === name) {
      blocks.push({ type: listMarker.test(block.text) ? 'list-item' : 'paragraph', text: block.text });
      return;
    }
    if (!levels.has(name)) levels.set(name, base + levels.size + 1);
    blocks.push({ ...block, level: levels.get(name) ?? 1 });
  });

  const metadata = title === undefined ? {} : { title };
  return { metadata, blocks, text: blocksToText(blocks) };
}
