import { z } from 'zod';
import type { ChatModel } from '../llm/chat-model.js';
import { renderPrompt, type PromptLibrary } from '../llm/prompt-library.js';
import type { ComplianceJudge, JudgeVerdict } from './compliance-judge.js';
import type { ConversationTurn } from './compliance-types.js';
import type { RuleDefinition } from './rule-pack-schema.js';

export const judgeVerdictSchema = z.object({
  verdict: z.enum(['violation', 'compliant']),
  reason: z.string().min(1),
  evidence: z.string().optional(),
});

export const compliancePromptName = 'compliance-judge';
/** The judge sees at most this many recent turns: enough for topic and procedure, bounded for cost. */
export const judgeContextTurns = 8;

export class JudgeOutputError extends Error {
  readonly code = 'judge_invalid_output';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'JudgeOutputError';
  }
}

/** Delimited data: a closing tag inside the data cannot end the block early. */
function asData(text: string): string {
  return text.replace(/<\/?(rule|utterance|context)>/gi, (tag) => tag.replace('<', '‹'));
}

function describeRule(rule: RuleDefinition): string {
  const examples = (list: typeof rule.examples.violating) =>
    list
      .slice(0, 3)
      .map((example) => `- ${typeof example === 'string' ? example : example.text}`)
      .join('\n');
  return [
    `id: ${rule.id}`,
    `title: ${rule.title}`,
    `what it forbids or requires: ${rule.explanation}`,
    `violating examples:\n${examples(rule.examples.violating)}`,
    `compliant examples:\n${examples(rule.examples.compliant)}`,
  ].join('\n');
}

/** A ComplianceJudge on the ChatModel port with the rubric prompt `prompts/compliance-judge.md`. */
export function createModelComplianceJudge(options: { model: ChatModel; prompts: PromptLibrary }): ComplianceJudge {
  return {
    async judge({ rule, text, context, signal }: { rule: RuleDefinition; text: string; context: ConversationTurn[]; signal?: AbortSignal }): Promise<JudgeVerdict> {
      const prompt = options.prompts.get(compliancePromptName);
      const system = renderPrompt(prompt, { language: rule.language === 'zh' ? 'Chinese' : 'English' });
      const contextLines = context
        .slice(-judgeContextTurns)
        .map((turn) => `${turn.speaker}: ${turn.text}`)
        .join('\n');
      const user = [
        `<rule>\n${asData(describeRule(rule))}\n</rule>`,
        `<context>\n${asData(contextLines || '(none)')}\n</context>`,
        `<utterance>\n${asData(text)}\n</utterance>`,
      ].join('\n\n');
      const response = await options.model.generate<z.infer<typeof judgeVerdictSchema>>({
        messages: [
          { role: 'system', content: system },
          { role: 'user', content: user },
        ],
        schema: judgeVerdictSchema,
        schemaName: 'compliance_verdict',
        temperature: 0,
        ...(signal ? { signal } : {}),
      });
      const parsed = judgeVerdictSchema.safeParse(response.parsed ?? safeJson(response.text));
      if (!parsed.success) throw new JudgeOutputError(`the judge's answer for ${rule.id} is not a valid verdict`, { cause: parsed.error });
      const verdict: JudgeVerdict = { verdict: parsed.data.verdict, reason: parsed.data.reason };
      if (parsed.data.evidence) verdict.evidence = parsed.data.evidence;
      return verdict;
    },
  };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
