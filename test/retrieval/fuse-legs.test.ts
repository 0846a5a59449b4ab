import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fuseLegs, rerankFeaturesOf, type LegCandidate } from '../../src/retrieval/fuse-legs.js';
import { loadRetrievalModel, retrievalModelFile, rerankFeatureNames, type ConfidenceModel, type FusionModel, type RerankModel } from '../../src/retrieval/retrieval-model.js';

const fusion: FusionModel = { method: 'score', lexicalWeight: 1, vectorWeight: 0.05 };
const confidence: ConfidenceModel = { intercept: 0, weights: { lexicalRatio: 0, coverage: 0, vectorSimilarity: 0, reciprocalRank: 0, fusedMargin: 0 } };
const zero = Object.fromEntries(rerankFeatureNames.map((name) => [name, 0])) as RerankModel['weights'];
const one = Object.fromEntries(rerankFeatureNames.map((name) => [name, 1])) as RerankModel['weights'];

function candidate(id: string, score: number, rank: number, orderedInQuestion: number): LegCandidate {
  return {
    id,
    lexical: { rank, hit: { chunkId: id, score, coverage: 0.5 } },
    similarity: 0.3,
    match: { queryInHeading: 0.5, queryInBody: 0.2, headingInQuery: 0.5, orderedInQuestion, orderedInQuery: orderedInQuestion, sharedRun: 0.3, lengthRatio: 0.8 },
  };
}

const candidates = [candidate('lexical-best', 10, 1, 0.2), candidate('in-order', 9, 2, 1)];
const options = { fusion, confidence, lexicalTop: 10, depth: 30, topK: 5 };

describe('fuseLegs with a learned re-ranking', () => {
  it('orders by the fused score without a re-ranking', () => {
    expect(fuseLegs(candidates, { ...options, mode: 'hybrid' }).map((entry) => entry.id)).toEqual(['lexical-best', 'in-order']);
  });

  it('reorders by the fitted weights, and the fused scores become shares that sum to one', () => {
    const rerank: RerankModel = { mean: zero, scale: one, weights: { ...zero, orderedInQuestion: 2 } };
    const ranked = fuseLegs(candidates, { ...options, mode: 'hybrid', rerank });
    expect(ranked.map((entry) => entry.id)).toEqual(['in-order', 'lexical-best']);
    expect(ranked.reduce((sum, entry) => sum + entry.fused, 0)).toBeCloseTo(1, 9);
    expect(ranked.every((entry) => entry.fused > 0)).toBe(true);
    // The opposite weight gives the opposite order: the weights, not the features alone, decide.
    expect(fuseLegs(candidates, { ...options, mode: 'hybrid', rerank: { ...rerank, weights: { ...zero, orderedInQuestion: -2 } } })[0]?.id).toBe('lexical-best');
  });

  it('leaves a single leg alone (lexical only is the lexical ranking)', () => {
    const rerank: RerankModel = { mean: zero, scale: one, weights: { ...zero, orderedInQuestion: 5 } };
    expect(fuseLegs(candidates, { ...options, mode: 'lexical', rerank })[0]?.id).toBe('lexical-best');
  });

  it('reads a leg rank beyond the depth as absent, and a candidate without match features as zeros', () => {
    const features = rerankFeaturesOf({ id: 'x', lexical: { rank: 40, hit: { chunkId: 'x', score: 1, coverage: 0.1 } }, similarity: 0.2, vectorRank: 4, lexicalRatio: 0.1 }, 30);
    expect(features.lexicalReciprocalRank).toBe(0);
    expect(features.vectorReciprocalRank).toBe(0.25);
    expect(features.orderedInQuestion).toBe(0);
    expect(features.headingDice).toBe(0);
  });
});

describe('the shipped retrieval model', () => {
  it('holds a fitted re-ranking for the default embedder, every feature weighed', () => {
    const model = loadRetrievalModel();
    const rerank = model.embedders.default?.rerank;
    expect(rerank).toBeDefined();
    for (const name of rerankFeatureNames) expect(rerank!.scale[name]).toBeGreaterThan(0);
  });

  it('refuses a re-ranking that lacks a feature, naming it', () => {
    const model = JSON.parse(readFileSync(retrievalModelFile, 'utf8')) as { embedders: { default: { rerank: { weights: Record<string, number> } } } };
    delete model.embedders.default.rerank.weights.sharedRun;
    const file = join(mkdtempSync(join(tmpdir(), 'retrieval-model-')), 'model.json');
    writeFileSync(file, JSON.stringify(model));
    expect(() => loadRetrievalModel(file)).toThrow(/embedders\.default\.rerank\.weights\.sharedRun/u);
  });
});
