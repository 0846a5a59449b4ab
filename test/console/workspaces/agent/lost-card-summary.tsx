import type { Summary } from '../../../../console/src/api/api-types';

/** A generated summary of a lost-card call, for the summary panel and edit tests; `overrides` replace whole fields. */
export function lostCardSummary(overrides: Partial<Summary> = {}): Summary {
  return {
    reason: 'Lost card',
    customerIntent: 'Block the card',
    productsDiscussed: [],
    actionsTaken: [{ text: 'Card blocked', turnIds: ['t2'] }],
    resolution: 'resolved',
    followUps: [],
    commitments: [],
    complaint: { raised: false },
    sentiment: { start: 'neutral', end: 'positive' },
    compliance: { findings: [], missingDisclosures: [] },
    evidence: { reason: ['t1'] },
    dispositionCode: 'CARD-LOSS',
    language: 'en',
    provider: 'offline',
    model: 'extractive',
    promptVersion: 'v1',
    ...overrides,
  };
}
