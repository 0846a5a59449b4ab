import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { searchTokens, words } from '../../src/text/segment-text.js';

const cjkRun = /[\u3400-\u9fff\uf900-\ufaff]+/gu;
const knowledgeDirectory = fileURLToPath(new URL('../../knowledge/', import.meta.url));

/** Every paragraph of the sample knowledge base (our own text), and texts at the edges of what a run is. */
function texts(): string[] {
  const found: string[] = [];
  const walk = (directory: string) => {
    for (const entry of readdirSync(directory, { withFileTypes: true })) {
      const path = join(directory, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (/\.(md|csv|jsonl)$/u.test(entry.name)) found.push(...readFileSync(path, 'utf8').split(/\n{2,}/u));
    }
  };
  walk(knowledgeDirectory);
  return [
    ...found,
    '信用卡年费怎么收？白金卡首年免年费，次年刷卡满六次免次年年费。',
    '中文abc混合　全角，ＡＰＲ１２％的贷款',
    '存',
    '一 二 三',
    '\u4dc0\u4dc1龘豈更',
    'only English words here',
  ];
}

/** The CJK runs of a text as the segmenter sees them (folded), and the text without them. */
function split(text: string): { runs: string[]; rest: string } {
  const folded = text.normalize('NFKC').toLowerCase();
  return { runs: Array.from(folded.matchAll(cjkRun), (match) => match[0]), rest: folded.replace(cjkRun, ' ') };
}

describe('segmenting a text', () => {
  const corpus = texts();

  it('cuts each CJK run of a text as it cuts that run alone (all runs go to jieba in one call)', () => {
    expect(corpus.length).toBeGreaterThan(100);
    for (const text of corpus) {
      const { runs, rest } = split(text);
      expect(words(text), text).toEqual([...runs.flatMap((run) => words(run)), ...words(rest)]);
      expect(searchTokens(text), text).toEqual([...runs.flatMap((run) => searchTokens(run)), ...searchTokens(rest)]);
    }
  });
});
