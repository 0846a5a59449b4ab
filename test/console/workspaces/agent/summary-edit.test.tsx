// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import type { Summary } from '../../../../console/src/api/api-types';
import { itemsFromLines, summaryEdit } from '../../../../console/src/workspaces/agent/summary-edit';
import { lostCardSummary } from './lost-card-summary';

const generated = lostCardSummary({
  actionsTaken: [
    { text: 'Card blocked', turnIds: ['t2'] },
    { text: 'Replacement ordered', turnIds: ['t4'] },
  ],
  compliance: { findings: [{ ruleId: 'r1', severity: 'major', title: 'x' }], missingDisclosures: ['d1'] },
});

describe('summaryEdit', () => {
  it('sends nothing when the agent changed nothing', () => {
    expect(summaryEdit(generated, structuredClone(generated))).toEqual({});
  });

  it('sends only the changed editable fields, never compliance or provenance', () => {
    const edited: Summary = { ...generated, reason: 'Stolen card', resolution: 'follow_up', compliance: { findings: [], missingDisclosures: [] }, provider: 'me', complaint: { raised: true } };
    expect(summaryEdit(generated, edited)).toEqual({ reason: 'Stolen card', resolution: 'follow_up', complaint: { raised: true } });
  });
});

describe('itemsFromLines', () => {
  it('keeps the source turns of unchanged lines and drops them from rewritten or new ones', () => {
    const items = itemsFromLines('Card blocked\n  \nReplacement sent by courier\nCalled back', generated.actionsTaken);
    expect(items).toEqual([
      { text: 'Card blocked', turnIds: ['t2'] },
      { text: 'Replacement sent by courier', turnIds: [] },
      { text: 'Called back', turnIds: [] },
    ]);
    expect(summaryEdit(generated, { ...generated, actionsTaken: itemsFromLines('Card blocked\nReplacement ordered', generated.actionsTaken) })).toEqual({});
  });
});
