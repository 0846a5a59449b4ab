import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadScorecards, parseScorecard, ScorecardError, scorecardFor } from '../../src/inspections/load-scorecards.js';

const header = `id: test-card
title: Test
language: en
passMark: 80
review:
  autoPassConfidence: 0.7
  confidence: { rulePass: 0.85, ruleFail: 0.8, stepHeard: 0.9, stepNotHeard: 0.6, behaviourHeard: 0.8, behaviourNotHeard: 0.9 , modelJudged: 0.7 }
items:
`;

describe('scorecards', () => {
  it('loads the shipped zh and en scorecards', () => {
    const scorecards = loadScorecards(join(import.meta.dirname, '../../evals/scorecards'));
    expect(scorecards.map((scorecard) => scorecard.language).sort()).toEqual(['en', 'zh']);
    expect(scorecardFor(scorecards, { language: 'zh', channel: 'voice' })?.items.length).toBeGreaterThan(3);
    for (const scorecard of scorecards) expect(scorecard.version).toMatch(/^[0-9a-f]{16}$/);
  });

  it('names the file and the item of an unknown item type', () => {
    const text = `${header}  - id: greeting\n    kind: vibe_check\n    title: x\n    weight: 1\n    severity: minor\n`;
    expect(() => parseScorecard(text, 'bad.yaml')).toThrow(ScorecardError);
    expect(() => parseScorecard(text, 'bad.yaml')).toThrow(/bad\.yaml: item 'greeting': unknown item type 'vibe_check'/);
  });

  it('names the field of a malformed item and refuses duplicate item ids', () => {
    expect(() => parseScorecard(`${header}  - id: greeting\n    kind: required_step\n    title: x\n    weight: -1\n    severity: minor\n    step: { cues: [[hello]] }\n`, 'w.yaml')).toThrow(/w\.yaml: item 'greeting': weight/);
    const item = `  - id: same\n    kind: prohibited_behaviour\n    title: x\n    weight: 1\n    severity: minor\n    behaviour: { cues: [[rude]] }\n`;
    expect(() => parseScorecard(`${header}${item}${item}`, 'd.yaml')).toThrow(/duplicate item id/);
  });

  it('versions by content: a changed weight is a new version', () => {
    const item = (weight: number) => `  - id: x\n    kind: prohibited_behaviour\n    title: x\n    weight: ${weight}\n    severity: minor\n    behaviour: { cues: [[rude]] }\n`;
    expect(parseScorecard(`${header}${item(1)}`, 'a.yaml').version).not.toBe(parseScorecard(`${header}${item(2)}`, 'a.yaml').version);
    expect(parseScorecard(`${header}${item(1)}`, 'a.yaml').version).toBe(parseScorecard(`${header}${item(1)}`, 'b.yaml').version);
  });

  it('stops on a folder holding a bad file', () => {
    const directory = mkdtempSync(join(tmpdir(), 'scorecards-'));
    writeFileSync(join(directory, 'broken.yaml'), 'id: [unclosed');
    expect(() => loadScorecards(directory)).toThrow(/broken\.yaml/);
  });
});
