import { z } from 'zod';
import type { ChatModel } from '../llm/chat-model.js';
import { renderPrompt, type PromptLibrary } from '../llm/prompt-library.js';
import type { InspectedTurn, JudgedAnswer } from './inspect-call.js';
import type { Scorecard } from './scorecard-schema.js';

export const inspectionJudgePromptName = 'inspection-item-judge';

const answerSchema = z.object({ answer: z.enum(['yes', 'no', 'not_applicable']), turnIds: z.array(z.string()).max(20), reason: z.string().max(2_000) });

/** Long calls are cut to their last turns: the model sees what fits, and the cut is the same for every item. */
const maximumTranscriptTurns = 200;

export type ItemJudge = (scorecard: Scorecard, turns: readonly InspectedTurn[], language: 'zh' | 'en') => Promise<Map<string, JudgedAnswer>>;

/**
 * Asks the model each model-judged item of a scorecard. An item the model fails on (error, bad JSON) is left out of
 * the map, so it comes out `not_applicable` with a note rather than failing the inspection. The model port is the
 * masking one (compose.ts): no personal number leaves the process.
 */
export function createItemJudge(options: { model: ChatModel; prompts: PromptLibrary; onError?: (error: unknown) => void }): ItemJudge {
  return async (scorecard, turns, language) => {
    const answers = new Map<string, JudgedAnswer>();
    const items = scorecard.items.filter((item) => item.kind === 'model_judged');
    if (items.length === 0) return answers;
    const system = renderPrompt(options.prompts.get(inspectionJudgePromptName), { language: language === 'zh' ? 'Chinese' : 'English' });
    const transcript = turns.slice(-maximumTranscriptTurns).map((turn) => `[${turn.id}] ${turn.speaker}: ${turn.text.replace(/[<>]/gu, ' ')}`).join('\n');
    for (const item of items) {
      try {
        const response = await options.model.generate<z.infer<typeof answerSchema>>({
          messages: [
            { role: 'system', content: system },
            { role: 'user', content: `<question>\n${item.question.replace(/[<>]/gu, ' ')}\n</question>\n\n<transcript>\n${transcript}\n</transcript>` },
          ],
          schema: answerSchema,
          schemaName: 'inspection_item',
          temperature: 0,
        });
        const parsed = answerSchema.safeParse(response.parsed ?? JSON.parse(response.text));
        if (parsed.success) answers.set(item.id, parsed.data);
        else options.onError?.(new Error(`the model's answer for scorecard item ${item.id} is not valid`));
      } catch (error) {
        options.onError?.(error);
      }
    }
    return answers;
  };
}
