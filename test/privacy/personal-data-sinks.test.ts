import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findLeaks, plantValues, plantedKinds, runPiiSinkScenario, searchable, type PlantedValue, type SinkReport } from '../support/pii-sink.js';

// 50 values of every kind (cards, IDs, phones, e-mails, SSNs, account numbers), each in ASCII, spaced, dashed and
// full-width forms, half in zh and half in en conversations.
const planted = plantValues(50);

describe('personal data stays in: the sink test', () => {
  let report: SinkReport;
  beforeAll(async () => {
    report = await runPiiSinkScenario(planted);
  }, 600_000);
  afterAll(() => undefined);

  it('planted 50 values of every kind, in every form and both languages', () => {
    for (const kind of plantedKinds) {
      const mine = planted.filter((value) => value.kind === kind);
      expect(mine.length).toBe(50);
      expect(new Set(mine.map((value) => value.form)).size).toBe(4);
      expect(new Set(mine.map((value) => value.language)).size).toBe(2);
    }
  });

  it('keeps the raw transcript as the customer record: every planted value is found there (the search works)', () => {
    const stored = searchable(report.storedTurns.join('\n'));
    const missing = planted.filter((value) => !stored.includes(value.key));
    expect(missing.map((value) => value.written)).toEqual([]);
  });

  it('exercised every sink: model, embedder, logs, suggestions (JSON, stream, events), summaries, audit', () => {
    for (const [sink, texts] of Object.entries(report.sinks)) expect(texts.length, sink).toBeGreaterThan(0);
    expect(report.counts['summaries written']).toBeGreaterThan(0);
    expect(report.counts['events suggestion']).toBeGreaterThan(0);
    expect(report.counts['events compliance']).toBeGreaterThan(0);
    expect(report.counts['events summary']).toBeGreaterThan(0);
    // The model really quoted raw values: masking on the way out is tested, not only masking on the way in.
    const answered = searchable(report.modelAnswers.join('\n'));
    expect(planted.filter((value) => answered.includes(value.key)).length).toBeGreaterThan(planted.length / 2);
    // The suggestions shown came from the model (the echo), not only from the offline replacements.
    expect(report.sinks.suggestions!.join('\n')).toMatch(/您刚才说|you said/);
  });

  it('finds 0 planted values in any sink', () => {
    const leaks = findLeaks(report.sinks, planted);
    const summary = Object.fromEntries(Object.entries(leaks).map(([sink, values]) => [sink, values.map((value: PlantedValue) => `${value.kind}/${value.form}: ${value.written}`)]));
    expect(summary).toEqual(Object.fromEntries(Object.keys(report.sinks).map((sink) => [sink, []])));
  });

  it('lets the agent read the raw transcript and keeps it from compliance and knowledge owners', () => {
    const agentRead = report.transcriptReads.agent!;
    expect(agentRead.status).toBe(200);
    const raw = searchable(agentRead.body);
    expect(planted.filter((value) => raw.includes(value.key)).length).toBeGreaterThan(0);
    expect(report.transcriptReads.compliance!.status).toBe(403);
    expect(report.transcriptReads.knowledge_owner!.status).toBe(403);
  });

  it('logs request URLs, masked', () => {
    const logs = report.sinks.logs!.join('\n');
    expect(logs).toMatch(/"url":"\/v1\/conversations\//);
    expect(logs).toMatch(/\*\*\*\*/);
  });
});
