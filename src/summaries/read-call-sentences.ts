import { foldText } from '../text/segment-text.js';
import { readTurnSentences, type SentenceAct } from '../understanding/understand-turn.js';
import type { SummaryTurn } from './summary-context.js';
import type { SummaryLanguage } from './summary-schema.js';

/** One sentence of the call as the turn understanding reads it, with where it was said. */
export interface CallSentence {
  turnId: string;
  /** Position of its turn among the turns read (0 = the first). */
  turnIndex: number;
  text: string;
  /** Spoken numbers as digits, folded to lower case and half width: what cues are matched against. */
  folded: string;
  act: SentenceAct;
}

/**
 * The sentences of the given turns with their acts (question, request, complaint, narrative, filler...). Turns
 * that answer an identity check ("尾号3321", "March 3rd 1980") are skipped: they are not why anyone called.
 */
export function readCallSentences(turns: readonly SummaryTurn[], language: SummaryLanguage, skipTurnIds: ReadonlySet<string> = new Set()): CallSentence[] {
  const sentences: CallSentence[] = [];
  turns.forEach((turn, turnIndex) => {
    if (skipTurnIds.has(turn.id)) return;
    for (const sentence of readTurnSentences(turn.text, language)) {
      if (sentence.act === 'filler' || sentence.act === 'instruction') continue;
      sentences.push({ turnId: turn.id, turnIndex, text: sentence.text, folded: foldText(sentence.normalized), act: sentence.act });
    }
  });
  return sentences;
}
