import { z } from 'zod';
import type { ChatModel } from '../llm/chat-model.js';
import { renderPrompt, type PromptLibrary } from '../llm/prompt-library.js';
import type { FaithfulnessInput, FaithfulnessVerdict } from './eval-targets.js';

export const faithfulnessPromptName = 'eval-faithfulness';

const verdictSchema = z.object({
  claims: z.array(
    z.object({
      claim: z.string(),
      supported: z.boolean(),
      passage: z.number().int().min(1).optional(),
      reason: z.string().optional(),
    }),
  ),
});

function escapeBlock(text: string): string {
  // Passage or reply text must not be able to close the block it sits in.
  return text.replace(/<\/?(passages|reply|passage)>/giu, (tag) => tag.replace(/</g, '‹').replace(/>/g, '›'));
}

/**
 * The model-judged faithfulness check. It throws on any model failure or invalid output: the scorer records
 * that as `error`, never as a pass.
 */
export function createFaithfulnessJudge(options: { model: ChatModel; prompts: PromptLibrary }): (input: FaithfulnessInput) => Promise<FaithfulnessVerdict> {
  return async (input) => {
    const prompt = options.prompts.get(faithfulnessPromptName);
    const passages = input.passages.map((passage, index) => `<passage ${index + 1}>\n${escapeBlock(passage.title)}\n${escapeBlock(passage.text)}\n</passage>`).join('\n');
    const result = await options.model.generate<FaithfulnessVerdict>({
      messages: [
        { role: 'system', content: renderPrompt(prompt, { language: input.language === 'zh' ? 'Chinese' : 'English' }) },
        { role: 'user', content: `<passages>\n${passages || '(no passage cited)'}\n</passages>\n<reply>\n${escapeBlock(input.answer)}\n</reply>` },
      ],
      schema: verdictSchema,
      schemaName: 'faithfulness',
      temperature: 0,
    });
    const parsed = verdictSchema.safeParse(result.parsed ?? JSON.parse(result.text));
    if (!parsed.success) throw new Error(`judge answered outside the schema: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
    return parsed.data;
  };
}
