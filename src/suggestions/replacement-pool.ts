import type { ExtractiveReply } from './extractive-replies.js';
import type { SuggestionGuard } from './suggestion-guard.js';
import { citationOf } from './suggestion-prompt.js';
import type { GeneratedSuggestion } from './suggestion-types.js';

/**
 * The extractive replies of one request, handed out once each: the offline answer takes the first ones,
 * and a model reply the guard blocked is replaced by the next one that passes the guard.
 */
export class ReplacementPool {
  readonly #replies: ExtractiveReply[];
  readonly #guard: SuggestionGuard;
  readonly #answerChunkIds: Set<string>;
  #next = 0;
  #answerShown = false;

  constructor(replies: ExtractiveReply[], guard: SuggestionGuard) {
    this.#replies = replies;
    this.#guard = guard;
    this.#answerChunkIds = new Set(replies.flatMap((reply) => (!reply.fallback && reply.passage ? [reply.passage.chunkId] : [])));
  }

  /** The next unused draft whose passage is not already cited, unguarded (streaming guards it sentence by sentence). */
  nextDraft(citedChunkIds: ReadonlySet<string> = new Set()): ExtractiveReply | undefined {
    while (this.#next < this.#replies.length) {
      const reply = this.#replies[this.#next] as ExtractiveReply;
      this.#next += 1;
      if (reply.passage && citedChunkIds.has(reply.passage.chunkId)) continue;
      // A hand-over next to an answer only dilutes it: once an answer is shown (something is cited), none is offered.
      if (reply.fallback && (this.#answerShown || [...citedChunkIds].some((chunkId) => this.#answerChunkIds.has(chunkId)))) continue;
      return reply;
    }
    return undefined;
  }

  /** The next unused reply that passes the guard, disclosures added; undefined when none is left. */
  next(citedChunkIds: ReadonlySet<string> = new Set()): { suggestion: GeneratedSuggestion; additions: string[] } | undefined {
    for (let draft = this.nextDraft(citedChunkIds); draft; draft = this.nextDraft(citedChunkIds)) {
      const guarded = this.#guard.finalize({ text: draft.text, citations: draft.passage ? [citationOf(draft.passage)] : [], origin: 'extractive' });
      if (guarded.ok) {
        if (!draft.fallback) this.#answerShown = true;
        return guarded;
      }
    }
    return undefined;
  }
}
