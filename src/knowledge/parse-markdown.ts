import { IngestError } from './ingest-error.js';
import type { Block, ParsedDocument } from './knowledge-types.js';
import { parseFrontMatter } from './parse-front-matter.js';
import { blocksToText, joinLines, normalizeNewlines } from './parse-text-lines.js';

const fenceOpen = /^ {0,3}(`{3,}|~{3,})/u;
const atxHeading = /^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$/u;
const setextUnderline = /^ {0,3}(=+|-+)[ \t]*$/u;
const thematicBreak = /^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$/u;
const listItem = /^([ \t]*)([-*+•]|\d{1,9}[.)])[ \t]+(.*)$/u;
const tableDelimiter = /^[ \t]*\|?[ \t]*:?-+:?[ \t]*(?:\|[ \t]*:?-+:?[ \t]*)*\|?[ \t]*$/u;
const referenceDefinition = /^ {0,3}\[[^\]]+\]:\s*\S+/u;
const blockquotePrefix = /^ {0,3}>[ \t]?/u;
const codeSpan = /(`+)([\s\S]*?[^`])\1(?!`)/gu;

function stripInlineOutsideCode(text: string): string {
  return text
    .replace(/!\[([^\]]*)\]\([^)]*\)/gu, '$1')
    .replace(/\[\^[^\]]+\]/gu, '')
    .replace(/\[([^\]]+)\]\([^)]*\)/gu, '$1')
    .replace(/\[([^\]]+)\]\[[^\]]*\]/gu, '$1')
    .replace(/<((?:https?|mailto):[^>\s]+)>/gu, '$1')
    .replace(/<!--[\s\S]*?-->/gu, '')
    .replace(/<\/?[a-zA-Z][^>]*>/gu, '')
    .replace(/(\*\*|__)(?=\S)([\s\S]*?\S)\1/gu, '$2')
    .replace(/(^|[^\w*])\*(?=\S)([^*]*?\S)\*(?!\w)/gu, '$1$2')
    .replace(/(^|[^\w])_(?=\S)([^_]*?\S)_(?!\w)/gu, '$1$2')
    .replace(/~~(?=\S)([\s\S]*?\S)~~/gu, '$1')
    .replace(/\\([!-/:-@[-`{-~])/gu, '$1');
}

/** Markdown inline syntax removed, code span contents kept verbatim. */
export function stripInlineMarkdown(text: string): string {
  let result = '';
  let last = 0;
  for (const match of text.matchAll(codeSpan)) {
    result += stripInlineOutsideCode(text.slice(last, match.index)) + (match[2] ?? '').trim();
    last = match.index + match[0].length;
  }
  return (result + stripInlineOutsideCode(text.slice(last))).trim();
}

function splitTableCells(line: string): string[] {
  const cells: string[] = [];
  let current = '';
  for (let index = 0; index < line.length; index += 1) {
    const character = line[index];
    if (character === '\\' && line[index + 1] === '|') {
      current += '|';
      index += 1;
    } else if (character === '|') {
      cells.push(current);
      current = '';
    } else {
      current += character;
    }
  }
  cells.push(current);
  const trimmed = line.trim();
  if (trimmed.startsWith('|')) cells.shift();
  if (trimmed.endsWith('|') && !trimmed.endsWith('\\|')) cells.pop();
  return cells.map((cell) => stripInlineMarkdown(cell.trim()));
}

function isTableStart(line: string, next: string | undefined): boolean {
  return next !== undefined && line.includes('|') && tableDelimiter.test(next) && (next.includes('|') || line.trim().startsWith('|'));
}

/** Markdown with optional YAML front matter -> blocks. GFM table rows become one block each. */
export function parseMarkdown(source: string): ParsedDocument {
  const { metadata, content } = parseFrontMatter(normalizeNewlines(source));
  const lines = content.split('\n').map((line) => {
    let stripped = line;
    while (blockquotePrefix.test(stripped)) stripped = stripped.replace(blockquotePrefix, '');
    return stripped;
  });
  const blocks: Block[] = [];
  let paragraph: string[] = [];
  let item: string[] | undefined;

  const flushParagraph = (): void => {
    const text = stripInlineMarkdown(joinLines(paragraph));
    if (text !== '') blocks.push({ type: 'paragraph', text });
    paragraph = [];
  };
  const flushItem = (): void => {
    if (item) {
      const text = stripInlineMarkdown(joinLines(item));
      if (text !== '') blocks.push({ type: 'list-item', text });
    }
    item = undefined;
  };
  const flush = (): void => {
    flushParagraph();
    flushItem();
  };

  for (let index = 0; index < lines.length; index += 1) {
    const line = lines[index] ?? '';
    const fence = fenceOpen.exec(line);
    if (fence) {
      flush();
      const marker = fence[1] ?? '```';
      const fenceClose = new RegExp(`^ {0,3}${marker[0] === '`' ? '`' : '~'}{${marker.length},}[ \\t]*$`, 'u');
      const code: string[] = [];
      index += 1;
      while (index < lines.length && !fenceClose.test(lines[index] ?? '')) {
        code.push(lines[index] ?? '');
        index += 1;
      }
      const text = code.join('\n').replace(/\s+$/u, '');
      if (text.trim() !== '') blocks.push({ type: 'code', text });
      continue;
    }
    if (line.trim() === '') {
      flush();
      continue;
    }
    if (line.trimStart().startsWith('<!--')) {
      flush();
      while (index < lines.length && !(lines[index] ?? '').includes('-->')) index += 1;
      continue;
    }
    const heading = atxHeading.exec(line);
    if (heading) {
      flush();
      const text = stripInlineMarkdown(heading[2] ?? '');
      if (text !== '') blocks.push({ type: 'heading', text, level: heading[1]?.length ?? 1 });
      continue;
    }
    const underline = setextUnderline.exec(line);
    if (underline && paragraph.length > 0 && !item) {
      const text = stripInlineMarkdown(joinLines(paragraph));
      paragraph = [];
      if (text !== '') blocks.push({ type: 'heading', text, level: underline[1]?.startsWith('=') ? 1 : 2 });
      continue;
    }
    if (thematicBreak.test(line)) {
      flush();
      continue;
    }
    if (isTableStart(line, lines[index + 1])) {
      flush();
      const header = splitTableCells(line);
      const tableHeader = header.join(' | ');
      index += 2;
      for (; index < lines.length; index += 1) {
        const row = lines[index] ?? '';
        if (row.trim() === '' || !row.includes('|')) break;
        const cells = splitTableCells(row);
        if (cells.every((cell) => cell === '')) continue;
        blocks.push({ type: 'table-row', text: cells.join(' | '), tableHeader });
      }
      index -= 1;
      continue;
    }
    if (referenceDefinition.test(line) && paragraph.length === 0) continue;
    const bullet = listItem.exec(line);
    if (bullet) {
      flush();
      const marker = bullet[2] ?? '';
      const body = (bullet[3] ?? '').replace(/^\[[ xX]\][ \t]+/u, '');
      item = [/\d/u.test(marker) ? `${marker} ${body}` : body];
      continue;
    }
    if (item) item.push(line);
    else paragraph.push(line);
  }
  flush();

  if (blocks.length === 0) throw new IngestError('empty_document', 'the document has no text');
  const title = metadata.title ?? blocks.find((block) => block.type === 'heading' && block.level === 1)?.text;
  return { metadata: title === undefined ? metadata : { ...metadata, title }, blocks, text: blocksToText(blocks) };
}
