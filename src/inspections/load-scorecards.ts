import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { scorecardItemKinds, scorecardItemSchema, scorecardSchema, type Scorecard, type ScorecardItem } from './scorecard-schema.js';

export class ScorecardError extends Error {
  readonly code = 'invalid_scorecard';
  constructor(message: string) {
    super(message);
    this.name = 'ScorecardError';
  }
}

function describeIssues(error: { issues: readonly { path: readonly PropertyKey[]; message: string }[] }): string {
  return error.issues.map((issue) => `${issue.path.map(String).join('.') || '(root)'}: ${issue.message}`).join('; ');
}

/** One scorecard file, validated; the version is the hash of its content, so a changed checklist is a new version. */
export function parseScorecard(text: string, file: string): Scorecard {
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (error) {
    throw new ScorecardError(`${file}: not valid YAML (${error instanceof Error ? error.message : String(error)})`);
  }
  const parsed = scorecardSchema.safeParse(raw);
  if (!parsed.success) throw new ScorecardError(`${file}: ${describeIssues(parsed.error)}`);
  const items: ScorecardItem[] = [];
  const seen = new Set<string>();
  parsed.data.items.forEach((rawItem, index) => {
    const record = (rawItem && typeof rawItem === 'object' ? rawItem : {}) as Record<string, unknown>;
    const name = typeof record.id === 'string' ? `item '${record.id}'` : `item ${index + 1}`;
    if (!scorecardItemKinds.includes(record.kind as (typeof scorecardItemKinds)[number])) {
      throw new ScorecardError(`${file}: ${name}: unknown item type '${String(record.kind)}' (expected ${scorecardItemKinds.join(', ')})`);
    }
    const item = scorecardItemSchema.safeParse(rawItem);
    if (!item.success) throw new ScorecardError(`${file}: ${name}: ${describeIssues(item.error)}`);
    if (seen.has(item.data.id)) throw new ScorecardError(`${file}: ${name}: duplicate item id`);
    seen.add(item.data.id);
    items.push(item.data);
  });
  const version = createHash('sha256').update(JSON.stringify({ ...parsed.data, items })).digest('hex').slice(0, 16);
  return { ...parsed.data, items, version, file };
}

/** Every `*.yaml` scorecard of a folder; a bad one stops start-up with its file and item named. */
export function loadScorecards(directory: string): Scorecard[] {
  let names: string[];
  try {
    names = readdirSync(directory).filter((name) => /\.ya?ml$/u.test(name)).sort();
  } catch (error) {
    throw new ScorecardError(`scorecards folder ${directory} cannot be read (${error instanceof Error ? error.message : String(error)})`);
  }
  const scorecards = names.map((name) => parseScorecard(readFileSync(join(directory, name), 'utf8'), basename(name)));
  const ids = new Set<string>();
  for (const scorecard of scorecards) {
    if (ids.has(scorecard.id)) throw new ScorecardError(`${scorecard.file}: scorecard id '${scorecard.id}' is used by another file`);
    ids.add(scorecard.id);
  }
  return scorecards;
}

/** The scorecard for a call: the first (by file name) of its language that covers its channel. */
export function scorecardFor(scorecards: readonly Scorecard[], call: { language: 'zh' | 'en'; channel: 'voice' | 'chat' }): Scorecard | undefined {
  return scorecards.find((scorecard) => scorecard.language === call.language && (!scorecard.channels || scorecard.channels.includes(call.channel)));
}
