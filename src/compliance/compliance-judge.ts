import type { ConversationTurn } from './compliance-types.js';
import type { RuleDefinition } from './rule-pack-schema.js';

export interface JudgeVerdict {
  verdict: 'violation' | 'compliant';
  reason: string;
  evidence?: string;
}

/**
 * The model judge port: one rule, one utterance. It throws on failure (an error is never a pass); the engine
 * reports the failure as `judge: "unavailable"`. `signal` fires when the engine's time budget runs out.
 */
export interface ComplianceJudge {
  judge(input: { rule: RuleDefinition; text: string; context: ConversationTurn[]; signal?: AbortSignal }): Promise<JudgeVerdict>;
}
