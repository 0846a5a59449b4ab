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
/** The rubric in Chinese, for Chinese calls: the model reads the rule, the call and the rubric in one language. */
export const chineseCompliancePromptName = 'compliance-judge-zh';
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

const ruleLabels = {
  en: { title: 'title', explanation: 'what it forbids or requires', violating: 'violating examples', compliant: 'compliant examples' },
  zh: { title: '标题', explanation: '禁止或要求的内容', violating: '违规示例', compliant: '合规示例' },
} as const;

function describeRule(rule: RuleDefinition, language: 'zh' | 'en'): string {
  const labels = ruleLabels[language];
  const examples = (list: typeof rule.examples.violating) =>
    list
      .slice(0, 3)
      .map((example) => `- ${typeof example === 'string' ? example : example.text}`)
      .join('\n');
  return [
    `id: ${rule.id}`,
    `${labels.title}: ${rule.title}`,
    `${labels.explanation}: ${rule.explanation}`,
    // Paraphrases are the violations staff saw missed: the judge sees two of them beside the examples.
    `${labels.violating}:\n${examples(rule.examples.violating)}${rule.paraphrases?.length ? `\n${examples(rule.paraphrases.slice(0, 2))}` : ''}`,
    `${labels.compliant}:\n${examples(rule.examples.compliant)}`,
  ].join('\n');
}

/** A ComplianceJudge on the ChatModel port with the rubric prompt `prompts/compliance-judge.md`. */
export function createModelComplianceJudge(options: { model: ChatModel; prompts: PromptLibrary }): ComplianceJudge {
  return {
    async judge({ rule, text, context, signal, language }: { rule: RuleDefinition; text: string; context: ConversationTurn[]; signal?: AbortSignal; language?: 'zh' | 'en' }): Promise<JudgeVerdict> {
      const callLanguage = language ?? rule.language;
      const prompt = options.prompts.get(callLanguage === 'zh' ? chineseCompliancePromptName : compliancePromptName);
      const system = renderPrompt(prompt, callLanguage === 'zh' ? {} : { language: 'English' });
      const contextLines = context
        .slice(-judgeContextTurns)
        .map((turn) => `${turn.speaker}: ${turn.text}`)
        .join('\n');
      const user = [
        `<rule>\n${asData(describeRule(rule, callLanguage))}\n</rule>`,
        `<context>\n${asData(contextLines || (callLanguage === 'zh' ? '（无）' : '(none)'))}\n</context>`,
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
      const verdict: JudgeVerdict = { verdict: parsed.data.verdict, reason: parsed.data.reason, rubricVersion: `${prompt.name}@${prompt.hash}` };
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
