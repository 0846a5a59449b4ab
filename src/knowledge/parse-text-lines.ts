import type { Block } from './knowledge-types.js';

const cjkAtEnd = /[\u3000-\u303f\u3400-\u9fff\uf900-\ufaff\uff00-\uffef]$/u;
const cjkAtStart = /^[\u3000-\u303f\u3400-\u9fff\uf900-\ufaff\uff00-\uffef]/u;
const hyphenatedAtEnd = /[a-z]-$/u;

/** Unix newlines, no BOM: every parser sees the same shape of input. */
export function normalizeNewlines(text: string): string {
  const withoutBom = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  return withoutBom.replace(/\r\n?/gu, '\n');
}

/**
 * Joins hard-wrapped lines into one paragraph: Chinese lines meet without a space (a space would split a
 * word for the lexical index), English lines with one; a word hyphenated across lines is rejoined.
 */
export function joinLines(lines: readonly string[]): string {
  let joined = '';
  for (const raw of lines) {
    const line = raw.trim();
    if (line === '') continue;
    if (joined === '') {
      joined = line;
    } else if (hyphenatedAtEnd.test(joined) && /^[a-z]/u.test(line)) {
      joined = joined.slice(0, -1) + line;
    } else if (cjkAtEnd.test(joined) || cjkAtStart.test(line)) {
      joined += line;
    } else {
      joined += ` ${line}`;
    }
  }
  return joined;
}

/** Collapses HTML-style whitespace; a line break between two Chinese characters was only source formatting. */
export function collapseWhitespace(text: string): string {
  return text
    .replace(/[\s\u00a0]+/gu, ' ')
    .replace(/([\u3000-\u303f\u3400-\u9fff\uf900-\ufaff\uff00-\uffef]) (?=[\u3000-\u303f\u3400-\u9fff\uf900-\ufaff\uff00-\uffef])/gu, '$1')
    .trim();
}

/** The whole plain text of a document (content hash, language detection): table headers appear once per table. */
export function blocksToText(blocks: readonly Block[]): string {
  const parts: string[] = [];
  let previousHeader: string | undefined;
  for (const block of blocks) {
    if (block.type === 'table-row' && block.tableHeader !== undefined && block.tableHeader !== previousHeader) {
      parts.push(block.tableHeader);
    }
    previousHeader = block.type === 'table-row' ? block.tableHeader : undefined;
    parts.push(block.text);
  }
  return parts.join('\n');
}
