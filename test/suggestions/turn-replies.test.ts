import { describe, expect, it } from 'vitest';
import type { SearchResponse, SearchResult } from '../../src/retrieval/hybrid-search.js';
import { composeTurnReplies, mergeKnowledge, planSearches } from '../../src/suggestions/turn-replies.js';
import { understandTurn } from '../../src/understanding/understand-turn.js';

let counter = 0;
function passage(title: string, text: string, kind: SearchResult['kind'] = 'product', headingPath: string[] = [title], confidence = 0.9): SearchResult {
  counter += 1;
  return { chunkId: `chunk-${counter}`, documentId: `document-${counter}`, externalId: `external-${counter}`, version: 1, title, kind, text, score: 1, confidence, headingPath, language: 'zh' };
}

const transferFees = passage('境内转账说明', '手机银行跨行转账免手续费。柜台跨行转账按金额的0.02%收取，最低2元。', 'product', ['境内转账说明', '手续费']);
const transferTime = passage('境内转账说明', '普通转账实时到账；次日到账的转账在下一个工作日入账。', 'product', ['境内转账说明', '到账时间']);
const rateTable = passage('存款利率表', '| 期限 | 年利率 |\n| 1年 | 1.20% |', 'product', ['存款利率表']);
const fraudScript = passage('话术：反诈提醒', '“银行不会让您把钱转到安全账户，请立即停止转账。”', 'script', ['话术：反诈提醒']);

const response = (results: SearchResult[]): SearchResponse => ({ results, tookMs: 1 });

function replies(text: string, results: SearchResult[][]) {
  const understanding = understandTurn([{ speaker: 'customer', text }], 'zh');
  const searches = planSearches(understanding);
  return { understanding, searches, replies: composeTurnReplies({ understanding, searches, responses: searches.map((_search, index) => response(results[index] ?? [])), language: 'zh', plain: false, count: 3 }) };
}

describe('planSearches', () => {
  it('searches once per question, and once more for a situation script', () => {
    const understanding = understandTurn([{ speaker: 'customer', text: '有人自称公安，让我把存款转到安全账户核查。转过去安全吗？要不要先转一部分？' }], 'zh');
    const searches = planSearches(understanding);
    expect(searches.filter((search) => search.purpose === 'question')).toHaveLength(2);
    expect(searches.filter((search) => search.purpose === 'situation')).toHaveLength(1);
  });
});

describe('composeTurnReplies', () => {
  it('answers each question of the turn in turn, citing its passage', () => {
    const { replies: list } = replies('我老家在外地。跨行转账手续费怎么收？转账多久能到账？', [[transferFees], [transferTime]]);
    expect(list[0]?.passage?.chunkId).toBe(transferFees.chunkId);
    expect(list[1]?.passage?.chunkId).toBe(transferTime.chunkId);
    expect(list.filter((reply) => !reply.fallback).every((reply) => reply.passage !== undefined)).toBe(true);
  });

  it('opens every reply with the approved wording when the situation needs a warning', () => {
    const { replies: list } = replies('有人自称公安，让我把存款转到安全账户核查。转过去安全吗？', [[transferFees], [fraudScript]]);
    const shown = list.filter((reply) => !reply.fallback);
    expect(shown.length).toBeGreaterThan(0);
    expect(shown.every((reply) => reply.text.includes('诈骗'))).toBe(true);
  });

  it('never offers a flattened table row', () => {
    const { replies: list } = replies('一年定期利率多少？', [[rateTable]]);
    expect(list.some((reply) => reply.text.includes('|'))).toBe(false);
  });

  it('hands over only as a fallback, naming what the closest card is about', () => {
    const { replies: list } = replies('转账手续费是不是涨价了？', [[passage('境内转账说明', '转账服务介绍。', 'product', ['境内转账说明', '手续费'])]]);
    const handover = list.find((reply) => reply.fallback);
    expect(handover?.text).toContain('核实');
  });
});

describe('mergeKnowledge', () => {
  it('takes each search best first and each chunk once', () => {
    const merged = mergeKnowledge([response([transferFees, transferTime]), response([transferTime, fraudScript])], 8);
    expect(merged.map((result) => result.chunkId)).toEqual([transferFees.chunkId, transferTime.chunkId, fraudScript.chunkId]);
  });
});
