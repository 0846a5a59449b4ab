import { describe, expect, it } from 'vitest';
import { Bm25Index, type Bm25Parameters, type IndexedChunk } from '../../src/retrieval/bm25-index.js';

const parameters: Bm25Parameters = { k1: 1.2, headingWeight: 3, bodyWeight: 1, headingB: 0.75, bodyB: 0.75 };
const now = Date.parse('2026-06-01T00:00:00Z');

function chunk(id: string, body: string[], overrides: Partial<IndexedChunk> = {}): IndexedChunk {
  return { id, documentId: id, version: 1, kind: 'faq', product: null, language: 'zh', status: 'approved', effectiveFrom: null, effectiveUntil: null, retired: false, headingTerms: [], bodyTerms: body, ...overrides };
}

function indexOf(chunks: IndexedChunk[]): Bm25Index {
  const index = new Bm25Index();
  for (const item of chunks) index.replaceDocument(item.documentId, [item], [{ version: item.version, status: item.status, effectiveFrom: item.effectiveFrom, effectiveUntil: item.effectiveUntil }]);
  return index;
}

describe('Bm25Index', () => {
  it('weighs a rare term above a common one (IDF, no stop list)', () => {
    const filler = Array.from({ length: 20 }, (_, number) => chunk(`f${number}`, ['怎么', `话题${number}`]));
    const index = indexOf([...filler, chunk('rare', ['怎么', '挂失']), chunk('common', ['怎么', '怎么', '办理'])]);
    expect(index.idf('挂失')).toBeGreaterThan(index.idf('怎么'));
    const hits = index.search(['怎么', '挂失'], { asOf: now }, parameters);
    expect(hits[0]?.chunkId).toBe('rare');
    // Every chunk holding any query term is ranked: nothing is cut before the caller's top-k.
    expect(hits).toHaveLength(22);
  });

  it('saturates term frequency and normalises by length', () => {
    const index = indexOf([chunk('once', ['年费', 'a', 'b']), chunk('many', ['年费', '年费', '年费', '年费', '年费', '年费', 'c']), chunk('long', ['年费', ...Array.from({ length: 40 }, (_, number) => `w${number}`)]), chunk('other', ['x'])]);
    const scores = new Map(index.search(['年费'], { asOf: now }, parameters).map((hit) => [hit.chunkId, hit.score]));
    expect(scores.get('many')!).toBeGreaterThan(scores.get('once')!);
    // Six occurrences are worth less than six times one (saturation by k1).
    expect(scores.get('many')!).toBeLessThan(6 * scores.get('once')!);
    expect(scores.get('once')!).toBeGreaterThan(scores.get('long')!);
  });

  it('weighs a match in the heading field (questions, headings) above one in the body', () => {
    const index = indexOf([chunk('in-question', ['其他', '内容'], { headingTerms: ['挂失'] }), chunk('in-answer', ['挂失', '内容'], { headingTerms: ['其他'] }), chunk('filler', ['无关'])]);
    expect(index.search(['挂失'], { asOf: now }, parameters)[0]?.chunkId).toBe('in-question');
    expect(index.search(['挂失'], { asOf: now }, { ...parameters, headingWeight: 0.2 })[0]?.chunkId).toBe('in-answer');
  });

  it('applies every filter before ranking, so a filtered-out chunk never takes a place', () => {
    const strong = Array.from({ length: 50 }, (_, number) => chunk(`p${number}`, ['年费', '年费', '减免'], { kind: 'product' }));
    const index = indexOf([
      ...strong,
      chunk('faq', ['年费']),
      chunk('en', ['年费'], { language: 'en', kind: 'script' }),
      chunk('gold', ['年费'], { product: '金卡', kind: 'product' }),
      chunk('draft', ['年费'], { status: 'draft' }),
      chunk('retired', ['年费'], { retired: true }),
      chunk('future', ['年费'], { effectiveFrom: now + 86_400_000 }),
      chunk('expired', ['年费'], { effectiveUntil: now - 1 }),
    ]);
    const ids = (filter: Parameters<Bm25Index['search']>[1]) => index.search(['年费', '减免'], filter, parameters).map((hit) => hit.chunkId);
    expect(ids({ asOf: now, kinds: ['faq'] })).toEqual(['faq']);
    expect(ids({ asOf: now, language: 'en' })).toEqual(['en']);
    expect(ids({ asOf: now, product: '金卡' })).toEqual(['gold']);
    const all = ids({ asOf: now });
    for (const hidden of ['draft', 'retired', 'future', 'expired']) expect(all).not.toContain(hidden);
    expect(ids({ asOf: now + 2 * 86_400_000, kinds: ['faq'] }).sort()).toEqual(['faq', 'future']);
    expect(ids({ asOf: now - 86_400_000 })).toContain('expired');
  });

  it('serves the version effective at asOf: a later approved version shadows the earlier one once it starts', () => {
    const index = new Bm25Index();
    const starts = now + 86_400_000;
    index.replaceDocument(
      'rates',
      [chunk('v1', ['利率', '旧'], { documentId: 'rates', version: 1 }), chunk('v2', ['利率', '新'], { documentId: 'rates', version: 2, effectiveFrom: starts })],
      [
        { version: 1, status: 'approved', effectiveFrom: null, effectiveUntil: null },
        { version: 2, status: 'approved', effectiveFrom: starts, effectiveUntil: null },
      ],
    );
    expect(index.search(['利率'], { asOf: now }, parameters).map((hit) => hit.chunkId)).toEqual(['v1']);
    expect(index.search(['利率'], { asOf: starts }, parameters).map((hit) => hit.chunkId)).toEqual(['v2']);
  });

  it('keeps collection statistics right as documents are replaced and retired', () => {
    const index = indexOf([chunk('a', ['挂失']), chunk('b', ['挂失']), chunk('c', ['其他'])]);
    expect(index.size).toBe(3);
    expect(index.documentFrequency('挂失')).toBe(2);
    index.replaceDocument('a', [chunk('a2', ['其他'], { documentId: 'a', version: 2 })], [{ version: 2, status: 'approved', effectiveFrom: null, effectiveUntil: null }]);
    expect(index.documentFrequency('挂失')).toBe(1);
    index.replaceDocument('b', [chunk('b', ['挂失'], { retired: true })], [{ version: 1, status: 'approved', effectiveFrom: null, effectiveUntil: null }]);
    expect(index.documentFrequency('挂失')).toBe(0);
    expect(index.size).toBe(2);
    expect(index.search(['挂失'], { asOf: now }, parameters)).toEqual([]);
    expect(index.matchedTerms('c', ['其他', '挂失', '其他'])).toEqual(['其他']);
  });

  it('hands out the live chunks and their fields as term counts (what base-learned features read)', () => {
    const index = indexOf([chunk('a', ['挂失', '挂失', '补办'], { headingTerms: ['丢卡'] }), chunk('b', ['其他'], { retired: true })]);
    expect([...index.liveChunkIds()]).toEqual(['a']);
    const fields = index.fieldTerms('a');
    expect(fields && [...fields.heading]).toEqual([['丢卡', 1]]);
    expect(fields && [...fields.body]).toEqual([['挂失', 2], ['补办', 1]]);
    expect(index.fieldTerms('missing')).toBeUndefined();
  });

  it('answers a query of unknown or no terms with nothing', () => {
    const index = indexOf([chunk('a', ['挂失'])]);
    expect(index.search([], { asOf: now }, parameters)).toEqual([]);
    expect(index.search(['没有的词'], { asOf: now }, parameters)).toEqual([]);
  });

  it('ranks the best few exactly as the full sort does, and counts the rank of any other hit (ties broken by id)', () => {
    // A deterministic pseudo-random base with many equal scores (identical bodies), some filtered out by kind.
    let state = 7;
    const next = () => (state = (state * 1103515245 + 12345) % 2147483648) / 2147483648;
    const vocabulary = Array.from({ length: 12 }, (_, number) => `t${number}`);
    const chunks = Array.from({ length: 400 }, (_, number) =>
      chunk(
        `c${String(number).padStart(3, '0')}`,
        Array.from({ length: 1 + Math.floor(next() * 4) }, () => vocabulary[Math.floor(next() * 6)]!),
        { kind: number % 7 === 0 ? 'script' : 'faq', headingTerms: next() < 0.3 ? [vocabulary[Math.floor(next() * 12)]!] : [] },
      ),
    );
    const index = indexOf(chunks);
    for (const [terms, filter] of [
      [['t0', 't3', 't9'], { asOf: now }],
      [['t1', 't2', 't5'], { asOf: now, kinds: ['faq' as const] }],
      [['t4'], { asOf: now }],
    ] as const) {
      const full = index.search(terms, filter, parameters);
      expect(full.length).toBeGreaterThan(40);
      const ranking = index.rank(terms, filter, parameters, 30);
      expect(ranking.size).toBe(full.length);
      expect(ranking.top).toEqual(full.slice(0, 30));
      const asked = [full[3]!.chunkId, full[35]!.chunkId, full.at(-1)!.chunkId, 'not-a-hit'];
      const found = ranking.lookup(asked);
      expect([...found.keys()].sort()).toEqual(asked.slice(0, 3).sort());
      for (const id of asked.slice(0, 3)) {
        const rank = full.findIndex((hit) => hit.chunkId === id) + 1;
        expect(found.get(id)).toEqual({ rank, hit: full[rank - 1] });
      }
    }
    expect(index.rank(['没有的词'], { asOf: now }, parameters, 30).top).toEqual([]);
  });
});

describe('Bm25Index.rank (MaxScore pruning)', () => {
  /** Seeded pseudo-random numbers (an LCG), so a failure reproduces. */
  function randomOf(seed: number): () => number {
    let state = seed;
    return () => (state = (state * 1103515245 + 12345) % 2147483648) / 2147483648;
  }

  /**
   * A Zipf-like vocabulary (a few terms in most chunks, a long tail of rare ones) so that pruning has common terms to
   * skip; fields, filters, versions, dates and retirements drawn at random.
   */
  function randomBase(random: () => number, documents: number, prefix: string) {
    const term = () => `w${Math.floor(Math.pow(random(), 3) * 300)}`;
    const kinds = ['faq', 'product', 'script'] as const;
    return Array.from({ length: documents }, (_, number) => {
      const documentId = `${prefix}${number}`;
      const versionCount = random() < 0.2 ? 2 : 1;
      const versions = Array.from({ length: versionCount }, (_, index) => ({
        version: index + 1,
        status: random() < 0.85 ? 'approved' : 'draft',
        effectiveFrom: random() < 0.2 ? now + Math.floor((random() - 0.5) * 20) * 86_400_000 : null,
        effectiveUntil: random() < 0.1 ? now + Math.floor(random() * 10) * 86_400_000 : null,
      }));
      const chunks = versions.flatMap((version) =>
        Array.from({ length: 1 + Math.floor(random() * 3) }, (_, position) =>
          chunk(`${documentId}-v${version.version}-${position}`, Array.from({ length: 1 + Math.floor(random() * 25) }, term), {
            documentId,
            version: version.version,
            status: version.status,
            effectiveFrom: version.effectiveFrom,
            effectiveUntil: version.effectiveUntil,
            kind: kinds[Math.floor(random() * kinds.length)]!,
            product: random() < 0.3 ? '金卡' : null,
            language: random() < 0.8 ? 'zh' : 'en',
            retired: random() < 0.05,
            // Some chunks share a body exactly: equal scores, ties broken by chunk id.
            headingTerms: random() < 0.5 ? Array.from({ length: 1 + Math.floor(random() * 4) }, term) : [],
          }),
        ),
      );
      return { documentId, chunks, versions };
    });
  }

  const filters = (documentId: string, version: number) =>
    [
      { asOf: now },
      { asOf: now, kinds: ['faq' as const, 'script' as const] },
      { asOf: now, product: '金卡' },
      { asOf: now, language: 'en' },
      { asOf: now + 5 * 86_400_000 },
      { asOf: now - 5 * 86_400_000, kinds: ['product' as const] },
      { asOf: now, overlay: { documentId, version } },
    ] as const;

  function expectSameAsExhaustive(index: Bm25Index, random: () => number, documentIds: readonly string[], queries: number): void {
    for (let query = 0; query < queries; query += 1) {
      // Queries mixing common and rare terms, and one term the base may not hold.
      const terms = Array.from({ length: 1 + Math.floor(random() * 12) }, () => `w${Math.floor(Math.pow(random(), 1.5) * 320)}`);
      for (const filter of filters(documentIds[Math.floor(random() * documentIds.length)]!, 1 + Math.floor(random() * 2))) {
        for (const depth of [1, 5, 30]) {
          const parameters2 = { ...parameters, k1: random() < 0.5 ? 1.2 : 6 };
          const full = index.search(terms, filter, parameters2);
          const ranking = index.rank(terms, filter, parameters2, depth);
          // Ids, scores and coverage identical to the exhaustive ranking's, to the last bit.
          expect(ranking.top).toEqual(full.slice(0, depth));
          const asked = [full[depth]?.chunkId, full.at(-1)?.chunkId, full[Math.floor(full.length / 2)]?.chunkId].filter((id): id is string => id !== undefined);
          const exact = ranking.lookup(asked);
          const bounded = ranking.lookup(asked, { exactRanks: false });
          for (const id of asked) {
            const rank = full.findIndex((hit) => hit.chunkId === id) + 1;
            expect(exact.get(id)).toEqual({ rank, hit: full[rank - 1] });
            expect(bounded.get(id)).toEqual({ rank: rank <= depth ? rank : depth + 1, hit: full[rank - 1] });
          }
        }
      }
    }
  }

  it('gives the exhaustive ranking\'s top hits and scores on random bases, under every filter, as documents are added, replaced and retired', () => {
    const random = randomOf(11);
    const base = randomBase(random, 250, 'd');
    const index = new Bm25Index();
    for (const document of base) index.replaceDocument(document.documentId, document.chunks, document.versions);
    const ids = base.map((document) => document.documentId);
    expectSameAsExhaustive(index, random, ids, 12);
    // Incremental writes: new documents, replaced ones (new terms, longer fields: the bounds must follow), emptied ones.
    const added = randomBase(random, 60, 'n');
    for (const document of added) index.replaceDocument(document.documentId, document.chunks, document.versions);
    for (const document of randomBase(random, 40, 'd')) index.replaceDocument(document.documentId, document.chunks.map((item) => ({ ...item, bodyTerms: [...item.bodyTerms, 'w0', 'w0', 'w1'] })), document.versions);
    for (const documentId of ids.slice(100, 120)) index.replaceDocument(documentId, [], []);
    expectSameAsExhaustive(index, random, [...ids, ...added.map((document) => document.documentId)], 12);
  });

  it('looks up a chunk that is not a hit as absent, and refuses a lookup once the index changed', () => {
    const index = indexOf(Array.from({ length: 40 }, (_, number) => chunk(`c${number}`, ['常见', ...(number % 5 === 0 ? ['少见'] : [])])));
    index.replaceDocument('other', [chunk('other', ['无关'], { documentId: 'other' })], [{ version: 1, status: 'approved', effectiveFrom: null, effectiveUntil: null }]);
    const ranking = index.rank(['少见', '常见'], { asOf: now }, parameters, 3);
    expect(ranking.lookup(['other', 'missing']).size).toBe(0);
    expect(ranking.lookup(['c39']).get('c39')?.hit.score).toBe(index.search(['少见', '常见'], { asOf: now }, parameters).find((hit) => hit.chunkId === 'c39')?.score);
    expect(ranking.stale).toBe(false);
    index.replaceDocument('c1', [], []);
    expect(ranking.stale).toBe(true);
    expect(() => ranking.lookup(['c39'])).toThrow(/rank again/);
  });
});
