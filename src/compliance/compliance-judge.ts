import type { ConversationTurn } from './compliance-types.js';
import type { RuleDefinition } from './rule-pack-schema.js';

export interface JudgeVerdict {
  verdict: 'violation' | 'compliant';
  reason: string;
  evidence?: string;
}

/** The model judge port: one rule, one utterance. It throws on failure: an error is never a pass. */
export interface ComplianceJudge {
  judge(input: { rule: RuleDefinition; text: string; context: ConversationTurn[] }): Promise<JudgeVerdict>;
}
