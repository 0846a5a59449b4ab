import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { inspectCall } from '../../src/inspections/inspect-call.js';
import { createItemJudge } from '../../src/inspections/judge-scorecard-items.js';
import { loadScorecards } from '../../src/inspections/load-scorecards.js';
import type { ChatModel, ChatRequest } from '../../src/llm/chat-model.js';
import { PromptLibrary } from '../../src/llm/prompt-library.js';

const prompts = new PromptLibrary(join(import.meta.dirname, '../../prompts'));
const base = loadScorecards(join(import.meta.dirname, '../../evals/scorecards')).find((card) => card.language === 'en')!;
const scorecard = { ...base, items: [...base.items, { id: 'empathy', kind: 'model_judged' as const, title: 'Empathy', weight: 5, severity: 'minor' as const, question: 'Did the agent acknowledge how the customer felt?' }] };
const turns = [
  { id: 't1', speaker: 'agent' as const, text: 'Hello, my name is Sam.' },
  { id: 't2', speaker: 'customer' as const, text: 'I am upset, my card 4111 1111 1111 1111 was charged twice.' },
  { id: 't3', speaker: 'agent' as const, text: 'I am sorry, that is frustrating. Anything else?' },
];

/** A ChatModel port answering from a function: what the judge sends and parses, without a network. */
function fakeModel(answer: (request: ChatRequest) => string): ChatModel & { requests: ChatRequest[] } {
  const requests: ChatRequest[] = [];
  return {
    provider: 'fake',
    model: 'fake-1',
    requests,
    async generate(request) {
      requests.push(request);
      const text = answer(request);
      return { text };
    },
    async *stream() {
      yield { type: 'done' as const, text: '' };
    },
  };
}

describe('model-judged scorecard items', () => {
  it('asks one question per model-judged item with the transcript as delimited data, and labels the result', async () => {
    const model = fakeModel(() => JSON.stringify({ answer: 'yes', turnIds: ['t3'], reason: 'acknowledged frustration' }));
    const judged = await createItemJudge({ model, prompts })(scorecard, turns, 'en');
    expect(model.requests).toHaveLength(1);
    expect(model.requests[0]!.messages[1]!.content).toContain('<question>\nDid the agent acknowledge');
    expect(model.requests[0]!.messages[1]!.content).toContain('[t3] agent: I am sorry');
    const result = inspectCall({ turns, summary: { complaint: { raised: false }, productsDiscussed: [], compliance: { findings: [], missingDisclosures: [] } }, scorecard, ruleKind: () => undefined, judged });
    expect(result.items.find((item) => item.itemId === 'empathy')).toMatchObject({ status: 'passed', decidedBy: 'model', evidence: [{ turnId: 't3' }] });
  });

  it('leaves an item out when the model answers nonsense, reporting the error', async () => {
    const errors: unknown[] = [];
    const judged = await createItemJudge({ model: fakeModel(() => 'not json at all'), prompts, onError: (error) => errors.push(error) })(scorecard, turns, 'en');
    expect(judged.size).toBe(0);
    expect(errors).toHaveLength(1);
  });
});
