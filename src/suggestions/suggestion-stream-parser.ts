import { sentenceEnd } from './reply-sentences.js';

/**
 * The streaming format (see prompts/suggestions-stream.md): each reply starts on a line `### S1`, `### S2` ...,
 * its sentences follow, and passages are cited inline as `[P2]`. JSON cannot be shown before it is complete;
 * this format can be cut into sentences as it arrives.
 */
export type SuggestionStreamEvent =
  | { type: 'start'; index: number }
  /** A whole sentence with its citation markers taken out (text may be empty when a line held only markers). */
  | { type: 'sentence'; index: number; text: string; passageIds: string[] }
  | { type: 'end'; index: number };

const header = /^[ \t]*(?:#{1,6}[ \t]*(?:S|Suggestion|Reply|建议|回复)?[ \t]*\d+|\*\*[ \t]*(?:S|Suggestion|Reply|建议|回复)[ \t]*\d+[ \t]*\*\*)[ \t]*[:：.)]?[ \t]*(?:\n|$)/iu;
const mayBeHeader = /^[ \t]*[#*]/u;
const citationMarker = /\[\s*((?:P\d+|[0-9a-z][0-9a-z_-]{7,})(?:\s*[,，、;]\s*(?:P\d+|[0-9a-z][0-9a-z_-]{7,}))*)\s*\]/giu;
/** A model that never ends a sentence must not hold everything back: cut at this length. */
export const maxSentenceCharacters = 240;

/** Removes `[P2]` / `[P1, P3]` markers from a sentence and returns their ids. */
export function extractCitationMarkers(sentence: string): { text: string; passageIds: string[] } {
  const passageIds: string[] = [];
  const text = sentence.replace(citationMarker, (_marker, ids: string) => {
    for (const id of ids.split(/[,，、;]/u)) if (id.trim()) passageIds.push(id.trim());
    return '';
  });
  return { text: text.replace(/[ \t]+([，。！？；,.!?;])/gu, '$1').replace(/\s+/gu, ' ').trim(), passageIds };
}

export class SuggestionStreamParser {
  #buffer = '';
  #index = -1;
  #open = false;
  #atLineStart = true;
  #ended = false;

  /** Feeds model output; returns what became complete. */
  push(delta: string): SuggestionStreamEvent[] {
    if (this.#ended) return [];
    this.#buffer += delta;
    return this.#drain(false);
  }

  /** The model is done: whatever is left is the last sentence of the last reply. */
  end(): SuggestionStreamEvent[] {
    if (this.#ended) return [];
    const events = this.#drain(true);
    if (this.#open) events.push({ type: 'end', index: this.#index });
    this.#open = false;
    this.#ended = true;
    return events;
  }

  #start(events: SuggestionStreamEvent[]): void {
    if (this.#open) events.push({ type: 'end', index: this.#index });
    this.#index += 1;
    this.#open = true;
    events.push({ type: 'start', index: this.#index });
  }

  #drain(final: boolean): SuggestionStreamEvent[] {
    const events: SuggestionStreamEvent[] = [];
    while (this.#buffer.length > 0) {
      if (this.#atLineStart && mayBeHeader.test(this.#buffer)) {
        const newline = this.#buffer.indexOf('\n');
        if (newline === -1 && !final) break;
        const match = header.exec(this.#buffer);
        if (match) {
          this.#buffer = this.#buffer.slice(match[0].length);
          this.#start(events);
          this.#atLineStart = true;
          continue;
        }
      }
      if (this.#atLineStart && !final && /^[ \t]*$/u.test(this.#buffer)) break;
      let end = sentenceEnd(this.#buffer, 0, final);
      if (end === -1) {
        if (final) end = this.#buffer.length;
        else if (this.#buffer.length > maxSentenceCharacters) end = maxSentenceCharacters;
        else break;
      }
      const lineStart = this.#atLineStart;
      const raw = this.#buffer.slice(0, end);
      this.#buffer = this.#buffer.slice(end);
      this.#atLineStart = raw.endsWith('\n');
      // Markdown the format does not ask for (bullets, headings) is not for the customer's ears.
      const { text, passageIds } = extractCitationMarkers(lineStart ? raw.replace(/^[ \t]*(?:#{1,6}|[-*+•]|\d+[.)、])[ \t]+/u, '') : raw);
      if (!text && passageIds.length === 0) continue;
      // A model that forgot the markers still gets its text shown, as one reply.
      if (!this.#open) this.#start(events);
      events.push({ type: 'sentence', index: this.#index, text, passageIds });
    }
    return events;
  }
}
