import type { ConversationTurn } from './compliance-types.js';

/** `language` is the call's: the rubric is written in it (a Chinese call gets the Chinese rubric). */
import type { RuleDefinition } from './rule-pack-schema.js';

export interface JudgeVerdict {
  verdict: 'violation' | 'compliant';
  reason: string;
  evidence?: string;
  /** Which rubric produced the verdict (the prompt's name and content hash), so a finding can be traced to it. */
  rubricVersion?: string;
}

/**
 * The model judge port: one rule, one utterance. It throws on failure (an error is never a pass); the engine
 * reports the failure as `judge: "unavailable"`. `signal` fires when the engine's time budget runs out.
 */
export interface ComplianceJudge {
  judge(input: { rule: RuleDefinition; text: string; context: ConversationTurn[]; signal?: AbortSignal; language?: 'zh' | 'en' }): Promise<JudgeVerdict>;
}
