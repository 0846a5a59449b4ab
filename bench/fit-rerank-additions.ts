/**
 * Measures candidate additions to the learned re-ranking before they go into the model: each added feature set is
 * fitted exactly as bench/fit-retrieval.ts fits the re-ranking (listwise logistic, L2 chosen by two-fold CV inside
 * the fit half of jining_bank_faq_dev), then compared with the current features on the held-out half, with a paired
 * bootstrap over held-out queries (is the difference more than noise?). Prints aggregates only.
 * Run: `npx tsx bench/fit-rerank-additions.ts`.
 */
import { pathToFileURL } from 'node:url';
import { createOfflineEmbedder } from '../src/llm/offline-embedder.js';
import { rerankFeaturesOf, type LegCandidate } from '../src/retrieval/fuse-legs.js';
import { loadRetrievalModel, rerankFeatureNames } from '../src/retrieval/retrieval-model.js';
import { foldText } from '../src/text/segment-text.js';
import { TermAssociations } from './term-associations.js';
import { buildFitCorpus, candidatesOf, type FitCorpus } from './fit-retrieval.js';
import { formatFigures, rankingFigures, splitQueries, type FaqQuery } from './jining-faq.js';

const depth = 30;

function compactCharacters(text: string): string[] {
  return [...foldText(text).replace(/[^\p{L}\p{N}]/gu, '')];
}

interface Group {
  qid: string;
  ids: string[];
  rows: number[][];
  gold: number;
}

/** Listwise logistic by full-batch gradient descent on standardised features (as bench/fit-retrieval.ts). */
function train(groups: readonly Group[], columns: readonly number[], mean: number[], scale: number[], penalty: number): number[] {
  const size = columns.length;
  const standardised = groups.filter((group) => group.gold >= 0).map((group) => ({ gold: group.gold, rows: group.rows.map((row) => columns.map((column, index) => (row[column]! - mean[index]!) / scale[index]!)) }));
  const weights = new Array<number>(size).fill(0);
  for (let step = 0; step < 1500; step += 1) {
    const gradient = new Array<number>(size).fill(0);
    for (const { rows, gold } of standardised) {
      const scores = rows.map((row) => row.reduce((sum, value, index) => sum + weights[index]! * value, 0));
      const highest = Math.max(...scores);
      const exponentials = scores.map((score) => Math.exp(score - highest));
      const total = exponentials.reduce((sum, value) => sum + value, 0);
      rows.forEach((row, rowIndex) => {
        const error = exponentials[rowIndex]! / total - (rowIndex === gold ? 1 : 0);
        for (let index = 0; index < size; index += 1) gradient[index]! += error * row[index]!;
      });
    }
    for (let index = 0; index < size; index += 1) weights[index] = weights[index]! - 0.5 * (gradient[index]! / Math.max(standardised.length, 1) + penalty * weights[index]!);
  }
  return weights;
}

function ranksOf(groups: readonly Group[], columns: readonly number[], mean: number[], scale: number[], weights: number[]): number[] {
  return groups.map((group) => {
    if (group.gold < 0) return 0;
    const scores = group.rows.map((row) => columns.reduce((sum, column, index) => sum + (weights[index]! * (row[column]! - mean[index]!)) / scale[index]!, 0));
    const order = scores.map((score, index) => ({ score, id: group.ids[index]!, index })).sort((left, right) => right.score - left.score || (left.id < right.id ? -1 : 1));
    return order.findIndex((entry) => entry.index === group.gold) + 1;
  });
}

function objective(ranks: readonly number[]): number {
  const figures = rankingFigures(ranks);
  return figures.mrr + 0.1 * figures.recallAt5;
}

/** Fits on `fit` (penalty by two-fold CV inside it) and returns the held-out ranks. */
function fitAndRank(fit: readonly Group[], heldOut: readonly Group[], columns: readonly number[]): { ranks: number[]; penalty: number; weights: number[]; cv: number } {
  const rows = fit.flatMap((group) => group.rows);
  const mean = columns.map((column) => rows.reduce((sum, row) => sum + row[column]!, 0) / Math.max(rows.length, 1));
  const scale = columns.map((column, index) => Math.sqrt(rows.reduce((sum, row) => sum + (row[column]! - mean[index]!) ** 2, 0) / Math.max(rows.length, 1)) || 1);
  const folds = [fit.filter((_, index) => index % 2 === 0), fit.filter((_, index) => index % 2 === 1)];
  let best = { penalty: 0, value: Number.NEGATIVE_INFINITY };
  for (const penalty of [0, 0.001, 0.01, 0.03, 0.1]) {
    let value = 0;
    for (const [trainIndex, testIndex] of [[0, 1], [1, 0]] as const) value += objective(ranksOf(folds[testIndex]!, columns, mean, scale, train(folds[trainIndex]!, columns, mean, scale, penalty))) / 2;
    if (value > best.value + 1e-9) best = { penalty, value };
  }
  const weights = train(fit, columns, mean, scale, best.penalty);
  return { ranks: ranksOf(heldOut, columns, mean, scale, weights), penalty: best.penalty, weights, cv: best.value };
}

interface TreeNode {
  column?: number;
  threshold?: number;
  left?: TreeNode;
  right?: TreeNode;
  value?: number;
}

function treeValue(node: TreeNode, row: readonly number[]): number {
  let current = node;
  while (current.value === undefined) current = row[current.column!]! <= current.threshold! ? current.left! : current.right!;
  return current.value;
}

/**
 * Gradient-boosted regression trees on top of the linear score, by Newton steps on the same listwise softmax loss:
 * each round fits a depth-limited tree to the gradient over every candidate of every query.
 */
function boost(groups: readonly Group[], columns: readonly number[], start: (group: Group) => number[], rounds: number, options = { depth: 3, shrinkage: 0.1, lambda: 1, minimumHessian: 1 }): TreeNode[] {
  const used = groups.filter((group) => group.gold >= 0);
  const rows = used.flatMap((group) => group.rows);
  const thresholds = columns.map((column) => {
    const values = [...new Set(rows.map((row) => row[column]!))].sort((left, right) => left - right);
    const cuts: number[] = [];
    for (let bin = 1; bin < 32; bin += 1) {
      const value = values[Math.floor((bin * values.length) / 32)];
      if (value !== undefined && cuts[cuts.length - 1] !== value) cuts.push(value);
    }
    return cuts;
  });
  const scores = used.map((group) => start(group));
  const trees: TreeNode[] = [];
  for (let round = 0; round < rounds; round += 1) {
    const gradient: number[] = [];
    const hessian: number[] = [];
    used.forEach((group, groupIndex) => {
      const values = scores[groupIndex]!;
      const highest = Math.max(...values);
      const exponentials = values.map((value) => Math.exp(value - highest));
      const total = exponentials.reduce((sum, value) => sum + value, 0);
      exponentials.forEach((value, index) => {
        const probability = value / total;
        gradient.push(probability - (index === group.gold ? 1 : 0));
        hessian.push(Math.max(probability * (1 - probability), 1e-6));
      });
    });
    const build = (members: number[], level: number): TreeNode => {
      let sumGradient = 0;
      let sumHessian = 0;
      for (const member of members) {
        sumGradient += gradient[member]!;
        sumHessian += hessian[member]!;
      }
      const leaf = { value: (-options.shrinkage * sumGradient) / (sumHessian + options.lambda) };
      if (level >= options.depth) return leaf;
      const parent = (sumGradient * sumGradient) / (sumHessian + options.lambda);
      let best = { gain: 1e-9, column: -1, threshold: 0 };
      columns.forEach((column, columnIndex) => {
        const cuts = thresholds[columnIndex]!;
        const binGradient = new Float64Array(cuts.length + 1);
        const binHessian = new Float64Array(cuts.length + 1);
        for (const member of members) {
          const value = rows[member]![column]!;
          let low = 0;
          let high = cuts.length;
          while (low < high) {
            const middle = (low + high) >> 1;
            if (value <= cuts[middle]!) high = middle;
            else low = middle + 1;
          }
          binGradient[low] = binGradient[low]! + gradient[member]!;
          binHessian[low] = binHessian[low]! + hessian[member]!;
        }
        let leftGradient = 0;
        let leftHessian = 0;
        for (let bin = 0; bin < cuts.length; bin += 1) {
          leftGradient += binGradient[bin]!;
          leftHessian += binHessian[bin]!;
          const rightHessian = sumHessian - leftHessian;
          if (leftHessian < options.minimumHessian || rightHessian < options.minimumHessian) continue;
          const rightGradient = sumGradient - leftGradient;
          const gain = (leftGradient * leftGradient) / (leftHessian + options.lambda) + (rightGradient * rightGradient) / (rightHessian + options.lambda) - parent;
          if (gain > best.gain) best = { gain, column, threshold: cuts[bin]! };
        }
      });
      if (best.column < 0) return leaf;
      const left = members.filter((member) => rows[member]![best.column]! <= best.threshold);
      const right = members.filter((member) => rows[member]![best.column]! > best.threshold);
      return { column: best.column, threshold: best.threshold, left: build(left, level + 1), right: build(right, level + 1) };
    };
    const tree = build(rows.map((_, index) => index), 0);
    trees.push(tree);
    used.forEach((group, groupIndex) => {
      group.rows.forEach((row, index) => {
        scores[groupIndex]![index] = scores[groupIndex]![index]! + treeValue(tree, row);
      });
    });
  }
  return trees;
}

function boostedRanks(groups: readonly Group[], start: (group: Group) => number[], trees: readonly TreeNode[]): number[] {
  return groups.map((group) => {
    if (group.gold < 0) return 0;
    const scores = start(group).map((score, index) => trees.reduce((sum, tree) => sum + treeValue(tree, group.rows[index]!), score));
    const order = scores.map((score, index) => ({ score, id: group.ids[index]!, index })).sort((left, right) => right.score - left.score || (left.id < right.id ? -1 : 1));
    return order.findIndex((entry) => entry.index === group.gold) + 1;
  });
}

/** The linear model fitted as usual, then trees on top; the number of rounds by two-fold CV inside the fit half. */
function fitBoosted(fit: readonly Group[], heldOut: readonly Group[], columns: readonly number[]): { ranks: number[]; rounds: number; folds: Record<string, number> } {
  const linearOn = (training: readonly Group[]) => {
    const rows = training.flatMap((group) => group.rows);
    const mean = columns.map((column) => rows.reduce((sum, row) => sum + row[column]!, 0) / Math.max(rows.length, 1));
    const scale = columns.map((column, index) => Math.sqrt(rows.reduce((sum, row) => sum + (row[column]! - mean[index]!) ** 2, 0) / Math.max(rows.length, 1)) || 1);
    const weights = train(training, columns, mean, scale, 0.01);
    return (group: Group) => group.rows.map((row) => columns.reduce((sum, column, index) => sum + (weights[index]! * (row[column]! - mean[index]!)) / scale[index]!, 0));
  };
  const folds = [fit.filter((_, index) => index % 2 === 0), fit.filter((_, index) => index % 2 === 1)];
  const candidates = [0, 25, 50, 100, 200];
  const values: Record<string, number> = {};
  for (const [trainIndex, testIndex] of [[0, 1], [1, 0]] as const) {
    const start = linearOn(folds[trainIndex]!);
    const trees = boost(folds[trainIndex]!, columns, start, candidates[candidates.length - 1]!);
    for (const rounds of candidates) values[String(rounds)] = (values[String(rounds)] ?? 0) + objective(boostedRanks(folds[testIndex]!, start, trees.slice(0, rounds))) / 2;
  }
  const rounds = Number(Object.entries(values).sort((left, right) => right[1] - left[1] || Number(left[0]) - Number(right[0]))[0]![0]);
  const start = linearOn(fit);
  const trees = boost(fit, columns, start, rounds);
  return { ranks: boostedRanks(heldOut, start, trees), rounds, folds: Object.fromEntries(Object.entries(values).map(([key, value]) => [key, Math.round(value * 10_000) / 10_000])) };
}


/** Paired bootstrap over queries: the share of resamples where the addition does not beat the current features. */
function pairedBootstrap(base: readonly number[], trial: readonly number[], measure: (rank: number) => number, resamples = 2000): { difference: number; low: number; high: number; notBetter: number } {
  let seed = 12345;
  const random = () => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return seed / 2 ** 32;
  };
  const differences = base.map((rank, index) => measure(trial[index]!) - measure(rank));
  const mean = (values: readonly number[]) => values.reduce((sum, value) => sum + value, 0) / Math.max(values.length, 1);
  const samples: number[] = [];
  for (let sample = 0; sample < resamples; sample += 1) {
    let sum = 0;
    for (let index = 0; index < differences.length; index += 1) sum += differences[Math.floor(random() * differences.length)]!;
    samples.push(sum / differences.length);
  }
  samples.sort((left, right) => left - right);
  return { difference: mean(differences), low: samples[Math.floor(resamples * 0.025)]!, high: samples[Math.floor(resamples * 0.975)]!, notBetter: samples.filter((value) => value <= 0).length / resamples };
}

/** Pseudo-relevance feedback: the query plus the rarest terms of its best lexical hits' naming fields, searched again. */
function feedbackScores(corpus: FitCorpus, queryTerms: readonly string[], parameters: Parameters<typeof candidatesOf>[2], documents: number, added: number): Map<string, number> {
  const filter = { asOf: Date.now() };
  const first = corpus.index.search(queryTerms, filter, parameters).slice(0, documents);
  const query = new Set(queryTerms);
  const weight = new Map<string, number>();
  for (const hit of first) {
    for (const term of corpus.index.fieldTerms(hit.chunkId)?.heading.keys() ?? []) {
      if (!query.has(term)) weight.set(term, (weight.get(term) ?? 0) + corpus.index.idf(term) * (hit.score / (first[0]?.score || 1)));
    }
  }
  const expansion = [...weight].sort((left, right) => right[1] - left[1]).slice(0, added).map(([term]) => term);
  const second = corpus.index.search([...queryTerms, ...expansion], filter, parameters);
  const top = second[0]?.score || 1;
  return new Map(second.map((hit) => [hit.chunkId, hit.score / top]));
}

/**
 * The share of the query's weight a candidate's questions hold, each query term weighted by how rare it is among the
 * questions of this query's candidates (`among`), not the whole base: among siblings on one topic, the word that
 * tells them apart (often a common one, "fee" or "how long") is what decides.
 */
function localCoverages(corpus: FitCorpus, queryTerms: readonly string[], among: readonly string[], scored: readonly string[] = among): Map<string, number> {
  const headings = new Map(scored.map((id) => [id, corpus.index.fieldTerms(id)?.heading ?? new Map<string, number>()]));
  const amongHeadings = among.map((id) => headings.get(id) ?? corpus.index.fieldTerms(id)?.heading ?? new Map<string, number>());
  const weights = new Map<string, number>();
  for (const term of new Set(queryTerms)) {
    const frequency = amongHeadings.filter((heading) => heading.has(term)).length;
    if (frequency === 0) continue;
    weights.set(term, Math.log(1 + (among.length - frequency + 0.5) / (frequency + 0.5)));
  }
  const total = [...weights.values()].reduce((sum, value) => sum + value, 0);
  return new Map(scored.map((id) => {
    const heading = headings.get(id)!;
    let held = 0;
    for (const [term, weight] of weights) if (heading.has(term)) held += weight;
    return [id, total > 0 ? held / total : 0];
  }));
}

export async function main(): Promise<void> {
  console.log('== re-ranking additions (jining_bank_faq_dev: fitted on the fit half, measured on the held-out half)');
  const built = await buildFitCorpus(createOfflineEmbedder());
  if (!built) {
    console.log('jining_bank_faq_dev not found beside the repository: nothing measured');
    return;
  }
  const { corpus, queries } = built;
  const model = loadRetrievalModel();
  const learnStarted = performance.now();
  const extrasWanted = !process.argv.includes('--boost') && !process.argv.some((argument) => argument.startsWith('--only='));
  const associations = extrasWanted ? TermAssociations.learn(corpus.index) : undefined;
  console.log(`associations learned from the base (${associations?.chunks ?? 0} naming fields) in ${((performance.now() - learnStarted) / 1000).toFixed(2)} s`);
  const extraNames = ['associationAll', 'associationUnmatched', 'feedback', 'charInLine', 'lineInQuery', 'charDice', 'localCoverage', 'localCoverageTop'];
  // Character IDF over the naming lines (each line a document): a paraphrase that segments differently still shares characters.
  const characterFrequency = new Map<string, number>();
  let lineCount = 0;
  for (const lines of corpus.lines.values()) {
    for (const line of lines) {
      lineCount += 1;
      for (const character of new Set(compactCharacters(line))) characterFrequency.set(character, (characterFrequency.get(character) ?? 0) + 1);
    }
  }
  const characterIdf = (character: string) => Math.log(1 + (lineCount - (characterFrequency.get(character) ?? 0) + 0.5) / ((characterFrequency.get(character) ?? 0) + 0.5));
  const characterFeatures = (query: string, lines: readonly string[]) => {
    const queryCharacters = new Set(compactCharacters(query));
    const queryWeight = [...queryCharacters].reduce((sum, character) => sum + characterIdf(character), 0);
    let best = { inLine: 0, inQuery: 0, dice: 0 };
    for (const line of lines) {
      const lineCharacters = new Set(compactCharacters(line));
      const lineWeight = [...lineCharacters].reduce((sum, character) => sum + characterIdf(character), 0);
      const shared = [...queryCharacters].filter((character) => lineCharacters.has(character)).reduce((sum, character) => sum + characterIdf(character), 0);
      const inLine = queryWeight > 0 ? shared / queryWeight : 0;
      const inQuery = lineWeight > 0 ? shared / lineWeight : 0;
      const dice = inLine + inQuery > 0 ? (2 * inLine * inQuery) / (inLine + inQuery) : 0;
      if (dice > best.dice) best = { inLine, inQuery, dice };
    }
    return best;
  };
  const spent = { association: 0, feedback: 0, characters: 0, local: 0 };
  const timed = <T>(name: keyof typeof spent, run: () => T): T => {
    const started = performance.now();
    const value = run();
    spent[name] += performance.now() - started;
    return value;
  };
  const toGroup = (query: FaqQuery): Group => {
    const { candidates, lexicalTop } = candidatesOf(corpus, query, model.bm25);
    const terms = corpus.queryTerms.get(query.qid) ?? [];
    const feedback = extrasWanted ? timed('feedback', () => feedbackScores(corpus, terms, model.bm25, 3, 8)) : new Map<string, number>();
    const local = timed('local', () => localCoverages(corpus, terms, candidates.map((candidate) => candidate.id)));
    const lexicalLeaders = candidates.filter((candidate) => candidate.lexical && candidate.lexical.rank <= 10).map((candidate) => candidate.id);
    const localTop = localCoverages(corpus, terms, lexicalLeaders.length > 0 ? lexicalLeaders : candidates.map((candidate) => candidate.id), candidates.map((candidate) => candidate.id));
    const rows = candidates.map((candidate: LegCandidate) => {
      const base = rerankFeaturesOf({ ...candidate, lexicalRatio: candidate.lexical && lexicalTop > 0 ? candidate.lexical.hit.score / lexicalTop : 0 }, depth);
      const association = timed('association', () => associations?.explain(corpus.index, candidate.id, terms) ?? { all: 0, unmatched: 0 });
      const characters = timed('characters', () => characterFeatures(query.query, corpus.lines.get(candidate.id) ?? []));
      return [...rerankFeatureNames.map((name) => base[name]), association.all, association.unmatched, feedback.get(candidate.id) ?? 0, characters.inLine, characters.inQuery, characters.dice, local.get(candidate.id) ?? 0, localTop.get(candidate.id) ?? 0];
    });
    return { qid: query.qid, ids: candidates.map((candidate) => candidate.id), rows, gold: candidates.findIndex((candidate) => candidate.id === query.gold_faq_id) };
  };
  const split = splitQueries(queries);
  const fit = split.fit.map(toGroup);
  const heldOut = split.heldOut.map(toGroup);
  // What each addition costs per query over all its candidates (in this script's plain code, on this machine).
  console.log(`cost per query: ${Object.entries(spent).map(([name, total]) => `${name} ${(total / queries.length).toFixed(3)} ms`).join(', ')}`);
  if (process.argv.includes('--cost-only')) return;
  const baseColumns = rerankFeatureNames.map((_, index) => index);
  const extra = (name: string) => rerankFeatureNames.length + extraNames.indexOf(name);
  const trials: [string, number[]][] = [
    ['current features', baseColumns],
    ['+ associationAll', [...baseColumns, extra('associationAll')]],
    ['+ associationUnmatched', [...baseColumns, extra('associationUnmatched')]],
    ['+ both associations', [...baseColumns, extra('associationAll'), extra('associationUnmatched')]],
    ['+ feedback', [...baseColumns, extra('feedback')]],
    ['+ character dice', [...baseColumns, extra('charDice')]],
    ['+ character coverages', [...baseColumns, extra('charInLine'), extra('lineInQuery'), extra('charDice')]],
    ['+ local coverage', [...baseColumns, extra('localCoverage')]],
    ['+ local coverage of the lexical top', [...baseColumns, extra('localCoverageTop')]],
    ['+ both local coverages', [...baseColumns, extra('localCoverage'), extra('localCoverageTop')]],
    ['+ associations + feedback', [...baseColumns, extra('associationAll'), extra('associationUnmatched'), extra('feedback')]],
  ];
  console.log(`held-out queries whose answer is among the candidates: ${(heldOut.filter((group) => group.gold >= 0).length / heldOut.length).toFixed(3)}`);
  const only = process.argv.find((argument) => argument.startsWith('--only='))?.slice('--only='.length);
  let baseRanks: number[] = [];
  if (process.argv.includes('--boost')) {
    baseRanks = fitAndRank(fit, heldOut, baseColumns).ranks;
    console.log(`${'current features'.padEnd(28)} held out ${formatFigures(rankingFigures(baseRanks))}`);
    const boosted = fitBoosted(fit, heldOut, baseColumns);
    console.log(`${'+ boosted trees'.padEnd(28)} rounds ${boosted.rounds} (CV ${JSON.stringify(boosted.folds)}) held out ${formatFigures(rankingFigures(boosted.ranks))}`);
    const show = (figure: ReturnType<typeof pairedBootstrap>) => `${figure.difference >= 0 ? '+' : ''}${figure.difference.toFixed(3)} [${figure.low.toFixed(3)}, ${figure.high.toFixed(3)}] P(<=0) ${figure.notBetter.toFixed(3)}`;
    console.log(`    vs current: r@1 ${show(pairedBootstrap(baseRanks, boosted.ranks, (rank) => (rank === 1 ? 1 : 0)))}; r@5 ${show(pairedBootstrap(baseRanks, boosted.ranks, (rank) => (rank >= 1 && rank <= 5 ? 1 : 0)))}; MRR ${show(pairedBootstrap(baseRanks, boosted.ranks, (rank) => (rank > 0 ? 1 / rank : 0)))}`);
    return;
  }
  for (const [name, columns] of trials) {
    if (only !== undefined && name !== 'current features' && !name.includes(only)) continue;
    const result = fitAndRank(fit, heldOut, columns);
    if (baseRanks.length === 0) baseRanks = result.ranks;
    console.log(`${name.padEnd(28)} CV ${result.cv.toFixed(4)} L2 ${result.penalty} held out ${formatFigures(rankingFigures(result.ranks))}`);
    if (columns.length > baseColumns.length) {
      const added = columns.slice(baseColumns.length).map((column, index) => `${extraNames[column - rerankFeatureNames.length]}=${result.weights[baseColumns.length + index]!.toFixed(3)}`);
      const at1 = pairedBootstrap(baseRanks, result.ranks, (rank) => (rank === 1 ? 1 : 0));
      const at5 = pairedBootstrap(baseRanks, result.ranks, (rank) => (rank >= 1 && rank <= 5 ? 1 : 0));
      const reciprocal = pairedBootstrap(baseRanks, result.ranks, (rank) => (rank > 0 ? 1 / rank : 0));
      const show = (figure: ReturnType<typeof pairedBootstrap>) => `${figure.difference >= 0 ? '+' : ''}${figure.difference.toFixed(3)} [${figure.low.toFixed(3)}, ${figure.high.toFixed(3)}] P(<=0) ${figure.notBetter.toFixed(3)}`;
      console.log(`    weights ${added.join(' ')}; vs current: r@1 ${show(at1)}; r@5 ${show(at5)}; MRR ${show(reciprocal)}`);
    }
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main();
