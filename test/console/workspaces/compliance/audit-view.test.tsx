import { describe, expect, it } from 'vitest';
import { filterAudit, lastFeedback } from '../../../../console/src/workspaces/compliance/audit-view';
import type { AuditItem } from '../../../../console/src/workspaces/compliance/compliance-types';

function item(id: string, verdict: string, actions: string[]): AuditItem {
  return { id, conversationId: 'c', text: 't', citations: [], guard: { verdict: verdict as 'pass' }, provider: 'offline', model: 'm', prompt: {}, feedback: actions.map((action) => ({ action })), createdAt: '2026-01-01T00:00:00Z' };
}

describe('audit filters', () => {
  const items = [item('a', 'pass', []), item('b', 'warn', ['edited']), item('c', 'pass', ['dismissed', 'accepted']), item('d', 'fail', ['dismissed'])];

  it("takes the agent's last word on a suggestion", () => {
    expect(items.map(lastFeedback)).toEqual(['none', 'edited', 'accepted', 'dismissed']);
  });

  it('filters by guard verdict and by feedback, together', () => {
    expect(filterAudit(items, '', '').map((entry) => entry.id)).toEqual(['a', 'b', 'c', 'd']);
    expect(filterAudit(items, 'pass', '').map((entry) => entry.id)).toEqual(['a', 'c']);
    expect(filterAudit(items, '', 'none').map((entry) => entry.id)).toEqual(['a']);
    expect(filterAudit(items, 'pass', 'accepted').map((entry) => entry.id)).toEqual(['c']);
    expect(filterAudit(items, 'fail', 'accepted')).toEqual([]);
  });
});
