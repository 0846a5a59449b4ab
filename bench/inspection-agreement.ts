/**
 * Inspection agreement with calls labelled by someone who never read the scorecards or this code
 * (INSPECTION_LABELS, default ../blind/calls/calls-labelled.jsonl, read by path and never copied): each call is
 * imported through the real import path (offline summary, inspection), and every scorecard item's verdict is
 * compared with the label (pass / fail / na). Prints per-item accuracy and confusion counts, then the fit of the
 * scorecards' `autoPassConfidence`: for each threshold, how many calls pass without review and how many of those hide
 * a failure the labels name (a wrong auto-pass), with a two-fold check that the threshold chosen on half the calls
 * holds on the other half. Aggregate figures only: no call text is printed.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parse as parseYaml } from 'yaml';
import type { ImportEntry } from '../src/calls/imported-call.js';
import { composeRuntime } from '../src/compose.js';
import { loadConfig } from '../src/config.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const defaultFile = `${root}../blind/calls/calls-labelled.jsonl`;

type Label = 'pass' | 'fail' | 'na';
type Verdict = 'passed' | 'failed' | 'not_applicable';
const labelOf: Record<Verdict, Label> = { passed: 'pass', failed: 'fail', not_applicable: 'na' };

interface LabelledCall {
  externalId: string;
  language: 'zh' | 'en';
  labels: { items: Record<string, Label> };
  [field: string]: unknown;
}

interface InspectedCall {
  externalId: string;
  language: string;
  passed: boolean;
  severity: string;
  confidence: number;
  items: { itemId: string; status: Verdict; confidence: number }[];
  labels: Record<string, Label>;
}

/**
 * The policy the threshold is fitted to: at most this share of the calls that skip review may hide a failure the
 * labels name. A quality team may choose another; the fit is re-run with this bench.
 */
const tolerableWrongAutoPassShare = 0.05;

const percent = (part: number, whole: number): string => `${part}/${whole} (${((100 * part) / Math.max(1, whole)).toFixed(1)}%)`;

function wouldAutoPass(call: InspectedCall, threshold: number): boolean {
  return call.severity !== 'critical' && call.passed && call.confidence >= threshold;
}

/** A call whose labels name a failure that the inspection did not find. */
function hidesFailure(call: InspectedCall): boolean {
  return call.items.some((item) => call.labels[item.itemId] === 'fail' && item.status !== 'failed');
}

function thresholdRows(calls: readonly InspectedCall[], thresholds: readonly number[]) {
  return thresholds.map((threshold) => {
    const autoPassed = calls.filter((call) => wouldAutoPass(call, threshold));
    const wrong = autoPassed.filter(hidesFailure);
    return { threshold, autoPassed: autoPassed.length, wrong: wrong.length, wrongShare: autoPassed.length === 0 ? 0 : wrong.length / autoPassed.length };
  });
}

/** The lowest threshold (most calls spared review) whose wrong auto-passes stay within the tolerable share. */
function fitThreshold(calls: readonly InspectedCall[], thresholds: readonly number[]): number {
  const rows = thresholdRows(calls, thresholds);
  return rows.find((row) => row.wrongShare <= tolerableWrongAutoPassShare)?.threshold ?? Math.max(...thresholds);
}

async function inspectLabelled(file: string): Promise<InspectedCall[]> {
  const lines = readFileSync(file, 'utf8').split('\n').filter((line) => line.trim());
  const labelled = lines.map((line) => JSON.parse(line) as LabelledCall);
  const directory = mkdtempSync(join(tmpdir(), 'inspection-agreement-'));
  try {
    const config = loadConfig({ DATA_DIR: join(directory, 'data'), LOG_LEVEL: 'silent', SEED_SAMPLE_KNOWLEDGE: 'false', KNOWLEDGE_DIR: join(root, 'knowledge'), RULES_DIR: join(root, 'evals/rules'), PROMPTS_DIR: join(root, 'prompts'), EVALS_DIR: join(root, 'evals/suites'), SCORECARDS_DIR: join(root, 'evals/scorecards') });
    const runtime = await composeRuntime(config);
    try {
      async function* entries(): AsyncGenerator<ImportEntry> {
        for (const [index, call] of labelled.entries()) {
          const { labels: _labels, ...rest } = call;
          yield { position: `line ${index + 1}`, externalId: call.externalId, call: rest };
        }
      }
      const report = await runtime.services.callImport.importEntries(entries());
      if (report.failed.length > 0) console.log(`  not imported: ${report.failed.map((problem) => `${problem.position} ${problem.problem}`).join('; ')}`);
      const rows = await runtime.services.database.query<{ external_id: string; language: string; passed: boolean; severity: string; confidence: number; items: unknown }>(
        'select external_id, language, passed, severity, confidence, items from inspections',
      );
      const byId = new Map(labelled.map((call) => [call.externalId, call]));
      return rows.rows.flatMap((row) => {
        const call = byId.get(row.external_id);
        if (!call) return [];
        const items = (typeof row.items === 'string' ? JSON.parse(row.items) : row.items) as InspectedCall['items'];
        return [{ externalId: row.external_id, language: row.language, passed: row.passed, severity: row.severity, confidence: Number(row.confidence), items, labels: call.labels.items }];
      });
    } finally {
      await runtime.close();
    }
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}

function currentThresholds(): Map<string, number> {
  const thresholds = new Map<string, number>();
  for (const language of ['zh', 'en']) {
    const card = parseYaml(readFileSync(join(root, `evals/scorecards/${language}-service-basics.yaml`), 'utf8')) as { review: { autoPassConfidence: number } };
    thresholds.set(language, card.review.autoPassConfidence);
  }
  return thresholds;
}

export async function main(): Promise<void> {
  const file = process.env.INSPECTION_LABELS ?? defaultFile;
  if (!existsSync(file)) {
    console.log(`inspection agreement: ${file} not found, skipped (set INSPECTION_LABELS to a labelled calls file)`);
    return;
  }
  const calls = await inspectLabelled(file);
  console.log(`Inspection agreement: ${calls.length} labelled calls (zh ${calls.filter((call) => call.language === 'zh').length}, en ${calls.filter((call) => call.language === 'en').length}), ${file}`);
  const itemIds = [...new Set(calls.flatMap((call) => Object.keys(call.labels)))];
  let agreeing = 0;
  let compared = 0;
  for (const itemId of itemIds) {
    const confusion = new Map<string, number>();
    const tally = { all: [0, 0], zh: [0, 0], en: [0, 0] } as Record<string, [number, number]>;
    for (const call of calls) {
      const label = call.labels[itemId];
      const item = call.items.find((candidate) => candidate.itemId === itemId);
      if (!label || !item) continue;
      const predicted = labelOf[item.status];
      confusion.set(`${label}>${predicted}`, (confusion.get(`${label}>${predicted}`) ?? 0) + 1);
      for (const key of ['all', call.language]) {
        const counts = tally[key] ?? [0, 0];
        counts[1] += 1;
        if (predicted === label) counts[0] += 1;
        tally[key] = counts;
      }
    }
    agreeing += tally.all?.[0] ?? 0;
    compared += tally.all?.[1] ?? 0;
    const cells = ['pass', 'fail', 'na'].map((label) => `${label}->${['pass', 'fail', 'na'].map((predicted) => confusion.get(`${label}>${predicted}`) ?? 0).join('/')}`).join('  ');
    console.log(`  ${itemId.padEnd(24)} accuracy ${percent(tally.all?.[0] ?? 0, tally.all?.[1] ?? 0).padEnd(16)} zh ${percent(tally.zh?.[0] ?? 0, tally.zh?.[1] ?? 0).padEnd(16)} en ${percent(tally.en?.[0] ?? 0, tally.en?.[1] ?? 0).padEnd(16)} label->ours pass/fail/na: ${cells}`);
  }
  console.log(`  all items: ${percent(agreeing, compared)}`);

  const current = currentThresholds();
  const autoPassedNow = calls.filter((call) => wouldAutoPass(call, current.get(call.language) ?? 1));
  const wrongItems = calls.flatMap((call) => call.items.filter((item) => call.labels[item.itemId] && labelOf[item.status] !== call.labels[item.itemId]).map(() => call));
  const wrongInAutoPassed = wrongItems.filter((call) => wouldAutoPass(call, current.get(call.language) ?? 1)).length;
  console.log(
    `  at the current autoPassConfidence (${[...current].map(([language, value]) => `${language} ${value}`).join(', ')}): ${percent(autoPassedNow.length, calls.length)} calls auto-passed, ${percent(autoPassedNow.filter(hidesFailure).length, autoPassedNow.length)} of them hide a labelled failure; ${percent(wrongInAutoPassed, wrongItems.length)} of wrong item verdicts sit in auto-passed calls`,
  );

  // Candidate thresholds: every call confidence seen, and 1 (above every confidence a detector gives: no call with an
  // applicable item skips review).
  const thresholds = [...new Set([0, ...calls.map((call) => call.confidence), 1])].sort((left, right) => left - right);
  console.log(`  threshold  auto-passed  hiding a labelled failure (tolerable share ${tolerableWrongAutoPassShare * 100}%)`);
  for (const row of thresholdRows(calls, thresholds)) console.log(`  ${row.threshold.toFixed(2).padStart(9)}  ${String(row.autoPassed).padStart(11)}  ${percent(row.wrong, row.autoPassed)}`);
  const fitted = fitThreshold(calls, thresholds);
  console.log(`  fitted autoPassConfidence on all calls: ${fitted}`);
  // Two folds by line order: fit on one half, count wrong auto-passes on the other.
  const folds = [calls.filter((_, index) => index % 2 === 0), calls.filter((_, index) => index % 2 === 1)];
  for (const [index, fold] of folds.entries()) {
    const other = folds[1 - index] ?? [];
    const threshold = fitThreshold(fold, thresholds);
    const [held] = thresholdRows(other, [threshold]);
    console.log(`  fold ${index + 1}: fitted ${threshold} on ${fold.length} calls; on the other ${other.length}: ${held?.autoPassed ?? 0} auto-passed, ${percent(held?.wrong ?? 0, held?.autoPassed ?? 0)} hide a labelled failure`);
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
