import type { ChatStreamPart, TokenUsage } from '../llm/chat-model.js';
import type { SearchResult } from '../retrieval/hybrid-search.js';
import type { ExtractiveReply } from './extractive-replies.js';
import type { ReplacementPool } from './replacement-pool.js';
import { separatorBetween } from './reply-sentences.js';
import type { SuggestionGuard } from './suggestion-guard.js';
import { citationOf, resolveCitations } from './suggestion-prompt.js';
import { SuggestionStreamParser } from './suggestion-stream-parser.js';
import { untilAborted } from '../llm/until-aborted.js';
import type { GeneratedSuggestion, GuardOutcome, StreamObserver, SuggestionCitation, SuggestionOrigin } from './suggestion-types.js';


/**
 * The last line of defence: an agent never sees a reply whose verdict is fail. The type already says so;
 * this holds even if a future change builds a suggestion some other way.
 */
export function isShowable(suggestion: GeneratedSuggestion): boolean {
  const verdict: string = suggestion.compliance.verdict;
  return verdict === 'pass' || verdict === 'warn';
}

/** Reports the guard's outcome for a suggestion an agent will see. */
export function reportShown(suggestion: GeneratedSuggestion, onGuard: (outcome: GuardOutcome) => void, replaced = false): void {
  onGuard(replaced ? 'replaced' : suggestion.origin === 'regenerated' ? 'regenerated' : 'passed');
  if (suggestion.disclosures.length > 0) onGuard('disclosure_added');
}

/** What the streamed suggestions of one request share: the guard, replacements, the observer and the results. */
export class StreamSession {
  readonly guard: SuggestionGuard;
  readonly pool: ReplacementPool;
  readonly observer: StreamObserver;
  readonly onGuard: (outcome: GuardOutcome) => void;
  /** Final suggestions by index; a hole is a suggestion that was dropped or never finished. */
  readonly slots: (GeneratedSuggestion | undefined)[] = [];
  readonly #open = new Set<number>();

  constructor(guard: SuggestionGuard, pool: ReplacementPool, observer: StreamObserver, onGuard: (outcome: GuardOutcome) => void) {
    this.guard = guard;
    this.pool = pool;
    this.observer = observer;
    this.onGuard = onGuard;
  }

  citedChunkIds(): Set<string> {
    return new Set(this.slots.flatMap((suggestion) => suggestion?.citations.map((citation) => citation.chunkId) ?? []));
  }

  opened(index: number): void {
    this.#open.add(index);
  }

  complete(index: number, suggestion: GeneratedSuggestion, replaced = false): void {
    this.#open.delete(index);
    this.slots[index] = suggestion;
    reportShown(suggestion, this.onGuard, replaced);
    this.observer.onSuggestion?.({ index, suggestion });
  }

  /** Replaces suggestion `index` (blocked, empty or cut off) with the next compliant extractive reply. */
  replace(index: number): void {
    this.#open.delete(index);
    const replacement = this.pool.next(this.citedChunkIds());
    if (!replacement) {
      this.slots[index] = undefined;
      this.onGuard('dropped');
      return;
    }
    this.complete(index, replacement.suggestion, true);
  }

  /** Indices that showed tokens but never finished (the model failed or the budget ran out mid-reply). */
  unfinished(): number[] {
    return [...this.#open].sort((left, right) => left - right);
  }

  suggestions(): GeneratedSuggestion[] {
    return this.slots.filter((suggestion): suggestion is GeneratedSuggestion => suggestion !== undefined && isShowable(suggestion));
  }
}

/**
 * One suggestion released sentence by sentence: a sentence is shown only after the guard passed it together
 * with everything before it in the reply. A sentence the guard blocks ends the reply, which is replaced;
 * a sentence that only lacks a disclosure waits until the disclosure comes or is appended at the end.
 */
export class StreamedReply {
  readonly index: number;
  readonly #session: StreamSession;
  readonly #passages: readonly SearchResult[];
  readonly #origin: SuggestionOrigin;
  readonly #fixedCitations: SuggestionCitation[] | undefined;
  #released = '';
  #held: string[] = [];
  readonly #passageIds: string[] = [];
  #done = false;

  constructor(index: number, session: StreamSession, options: { passages: readonly SearchResult[]; origin: SuggestionOrigin; citations?: SuggestionCitation[] }) {
    this.index = index;
    this.#session = session;
    this.#passages = options.passages;
    this.#origin = options.origin;
    this.#fixedCitations = options.citations;
    session.opened(index);
  }

  get done(): boolean {
    return this.#done;
  }

  #join(sentences: readonly string[]): string {
    let text = this.#released;
    for (const sentence of sentences) text += separatorBetween(text, sentence) + sentence;
    return text;
  }

  /** Returns false when the sentence was blocked (the reply is over and has been replaced). */
  offer(sentence: string, passageIds: readonly string[] = []): boolean {
    if (this.#done) return false;
    this.#passageIds.push(...passageIds);
    if (!sentence) return true;
    const verdict = this.#session.guard.screenSentence(this.#join([...this.#held, sentence]));
    if (verdict.action === 'block') {
      this.#done = true;
      this.#session.replace(this.index);
      return false;
    }
    this.#held.push(sentence);
    if (verdict.action === 'release') {
      for (const pending of this.#held) {
        const token = separatorBetween(this.#released, pending) + pending;
        this.#released += token;
        this.#session.observer.onToken?.({ index: this.index, text: token });
      }
      this.#held = [];
    }
    return true;
  }

  /** The reply is complete: disclosures are appended and the whole reply is checked once more. */
  finish(): void {
    if (this.#done) return;
    this.#done = true;
    const text = this.#join(this.#held);
    if (!text.trim()) {
      this.#session.replace(this.index);
      return;
    }
    const citations = this.#fixedCitations ?? resolveCitations(this.#passageIds, this.#passages);
    const guarded = this.#session.guard.finalize({ text, citations, origin: this.#origin });
    if (!guarded.ok) {
      if (guarded.reason === 'language') this.#session.onGuard('wrong_language');
      this.#session.replace(this.index);
      return;
    }
    const final = guarded.suggestion.text;
    if (final.startsWith(this.#released) && final.length > this.#released.length) {
      this.#session.observer.onToken?.({ index: this.index, text: final.slice(this.#released.length) });
    }
    this.#session.complete(this.index, guarded.suggestion);
  }
}

/** Streams extractive replies through the same sentence gate as the model's (the offline product mode). */
export function streamExtractive(session: StreamSession, count: number): void {
  const cited = new Set<string>();
  for (let index = 0; index < count; index += 1) {
    const draft: ExtractiveReply | undefined = session.pool.nextDraft(new Set([...cited, ...session.citedChunkIds()]));
    if (!draft) break;
    if (draft.passage) cited.add(draft.passage.chunkId);
    const reply = new StreamedReply(index, session, {
      passages: [],
      origin: 'extractive',
      citations: draft.passage ? [citationOf(draft.passage)] : [],
    });
    for (const sentence of draft.sentences) if (!reply.offer(sentence)) break;
    reply.finish();
  }
}

export interface ModelStreamOptions {
  session: StreamSession;
  count: number;
  passages: readonly SearchResult[];
  signal: AbortSignal;
  /** Told how long each wait on the model took. */
  onWait: (milliseconds: number) => void;
}

/**
 * Consumes the model's stream: parses replies and sentences as they arrive and feeds them to the gate. Stops
 * reading (and so ends the HTTP request) once the last wanted reply is blocked or the model writes more than
 * were asked for. Throws whatever the model or the signal threw; the session keeps what was finished.
 */
export async function consumeModelStream(parts: AsyncIterable<ChatStreamPart>, options: ModelStreamOptions): Promise<{ usage?: TokenUsage }> {
  const { session, count } = options;
  const parser = new SuggestionStreamParser();
  const replies = new Map<number, StreamedReply>();
  let stop = false;
  let usage: TokenUsage | undefined;

  const handle = (events: ReturnType<SuggestionStreamParser['push']>): void => {
    for (const event of events) {
      if (stop) return;
      if (event.type === 'start') {
        if (event.index >= count) {
          stop = true;
          return;
        }
        replies.set(event.index, new StreamedReply(event.index, session, { passages: options.passages, origin: 'model' }));
        continue;
      }
      const reply = replies.get(event.index);
      if (!reply) continue;
      if (event.type === 'sentence') {
        if (!reply.offer(event.text, event.passageIds) && event.index === count - 1) stop = true;
      } else {
        reply.finish();
        if (event.index === count - 1) stop = true;
      }
    }
  };

  const iterator = parts[Symbol.asyncIterator]();
  let exhausted = false;
  try {
    while (!stop) {
      const waitStarted = performance.now();
      const next = await untilAborted(iterator.next(), options.signal);
      options.onWait(performance.now() - waitStarted);
      if (next.done) {
        exhausted = true;
        break;
      }
      const part = next.value;
      if (part.type === 'done') {
        if (part.usage) usage = part.usage;
        handle(parser.end());
      } else {
        handle(parser.push(part.text));
      }
    }
    if (!stop) handle(parser.end());
  } finally {
    // Ends the request when we stop early; never awaited, since a pending read must not hold the reply back.
    if (!exhausted) void Promise.resolve(iterator.return?.()).catch(() => undefined);
  }
  return usage ? { usage } : {};
}
