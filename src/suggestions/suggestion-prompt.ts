import { z } from 'zod';
import type { CustomerProfile } from '../compliance/compliance-types.js';
import type { ChatMessage } from '../llm/chat-model.js';
import { renderPrompt, type Prompt } from '../llm/prompt-library.js';
import type { SearchResult } from '../retrieval/hybrid-search.js';
import type { TurnUnderstanding } from '../understanding/understand-turn.js';
import type { PipelineTurn, SuggestionCitation } from './suggestion-types.js';

/** What the model returns in JSON mode; citations are passage ids (P1..Pk) as given in the prompt. */
export const suggestionOutputSchema = z.object({
  suggestions: z
    .array(
      z.object({
        text: z.string().min(1),
        citations: z.array(z.string()).default([]),
      }),
    )
    .min(1),
});
export type SuggestionOutput = z.infer<typeof suggestionOutputSchema>;

/** How much conversation and knowledge goes to the model: enough for the next reply, small enough to be fast. */
export const promptTurns = 12;
export const promptTurnMaxCharacters = 600;
export const promptPassageMaxCharacters = 700;

/** Data goes inside tags; escaping its own angle brackets means no turn or passage can close a tag or open one. */
export function escapeData(text: string): string {
  return text.replace(/&/gu, '&amp;').replace(/</gu, '&lt;').replace(/>/gu, '&gt;').replace(/"/gu, '&quot;');
}

export function passageId(index: number): string {
  return `P${index + 1}`;
}

export function renderPassages(passages: readonly SearchResult[]): string {
  if (passages.length === 0) return '<passages>\n(no passages were found)\n</passages>';
  const rendered = passages.map((passage, index) => {
    const text = passage.text.length > promptPassageMaxCharacters ? `${passage.text.slice(0, promptPassageMaxCharacters)}…` : passage.text;
    return `<passage id="${passageId(index)}" kind="${passage.kind}" title="${escapeData(passage.title)}">\n${escapeData(text)}\n</passage>`;
  });
  return `<passages>\n${rendered.join('\n')}\n</passages>`;
}

export function renderTurns(turns: readonly PipelineTurn[]): string {
  const rendered = turns.slice(-promptTurns).map((turn) => {
    const text = turn.text.length > promptTurnMaxCharacters ? `${turn.text.slice(0, promptTurnMaxCharacters)}…` : turn.text;
    return `<turn speaker="${turn.speaker}">${escapeData(text)}</turn>`;
  });
  return `<conversation>\n${rendered.join('\n')}\n</conversation>`;
}

function describeCustomer(customer: CustomerProfile | undefined): string {
  const facts: string[] = [];
  if (customer?.riskLevel) facts.push(`risk assessment ${customer.riskLevel} (never suggest a product above this level)`);
  if (customer?.age !== undefined) facts.push(`age ${customer.age}`);
  if (customer?.vulnerable) facts.push('flagged as vulnerable');
  if (customer?.segment) facts.push(`segment ${customer.segment}`);
  if (facts.length === 0) facts.push('no profile on file: do not recommend any investment product');
  return facts.join('; ');
}

const languageNames = { zh: 'Simplified Chinese (简体中文)', en: 'English' } as const;

const plainAudience =
  'This customer needs plain wording (elderly or vulnerable): short everyday sentences, at most two per reply, no jargon, no lists of numbers; be patient and warm.';
const standardAudience = 'Write as a helpful, professional agent speaks on the phone: short, natural, specific.';

export interface SuggestionPromptInput {
  system: Prompt;
  /** Extra system text appended after the rules (the streaming format), already loaded. */
  format?: Prompt;
  language: 'zh' | 'en';
  customer: CustomerProfile | undefined;
  plain: boolean;
  count: number;
  turns: readonly PipelineTurn[];
  passages: readonly SearchResult[];
  /** What the turn asks and the situation it is in: named for the model, so it answers each question. */
  understanding?: TurnUnderstanding;
}

/** The question(s) found in the customer's turn and the situation's required handling, as data for the model. */
export function renderUnderstanding(understanding: TurnUnderstanding | undefined): string {
  if (!understanding) return '';
  const questions = understanding.questions.map((question, index) => `<question id="Q${index + 1}">${escapeData(question.text)}</question>`);
  const situations = understanding.situations.map(
    (situation) => `<situation id="${situation.id}"${situation.withholdsAnswers ? ' withholds-answers="true"' : ''}>${escapeData(situation.handling)}</situation>`,
  );
  const lines = [
    '<understanding>',
    ...(questions.length > 0 ? questions : ['(no question found: ask what the customer needs)']),
    ...situations,
    '</understanding>',
  ];
  return lines.join('\n');
}

/**
 * The instruction that goes with the understanding. A situation that withholds answers (a suspected scam) turns the
 * usual "answer each question" round: the fee or arrival time of the transfer a scammer asked for would help the scam,
 * so the model is told to warn and not to answer, as the offline replies do (turn-replies.ts).
 */
export function understandingInstruction(understanding: TurnUnderstanding): string {
  const withheld = understanding.situations.filter((situation) => situation.withholdsAnswers).map((situation) => situation.id);
  if (withheld.length > 0) {
    return `A situation marked withholds-answers (${withheld.join(', ')}) holds: every reply gives its required handling (the warning) only. Do not answer the customer's question itself: no fee, limit, rate, arrival time or procedure of the transfer or payment asked about, even if the passages hold it.`;
  }
  return 'Answer each question found, from the passages; where a situation is named, its required handling comes first in every reply.';
}

/** The system prompt (rules) and one user message holding the conversation and passages as delimited data. */
export function suggestionMessages(input: SuggestionPromptInput): ChatMessage[] {
  const values = {
    language: languageNames[input.language],
    count: String(input.count),
    audience: input.plain ? plainAudience : standardAudience,
    customer: describeCustomer(input.customer),
  };
  const system = renderPrompt(input.system, values) + (input.format ? `\n\n${renderPrompt(input.format, values)}` : '');
  const user = [
    renderTurns(input.turns),
    '',
    renderPassages(input.passages),
    '',
    ...(input.understanding ? [renderUnderstanding(input.understanding), '', understandingInstruction(input.understanding), ''] : []),
    `Suggest ${input.count} replies for the agent's next turn, in ${languageNames[input.language]}.`,
  ].join('\n');
  return [
    { role: 'system', content: system },
    { role: 'user', content: user },
  ];
}

/**
 * Citations a reply may keep: passage ids the prompt gave (P1..Pk) or raw chunk ids of retrieved passages.
 * Anything else (an id the model made up, a chunk it was not shown) is removed.
 */
export function resolveCitations(ids: readonly string[], passages: readonly SearchResult[]): SuggestionCitation[] {
  const citations: SuggestionCitation[] = [];
  const seen = new Set<string>();
  for (const raw of ids) {
    const id = raw.trim().replace(/^\[|\]$/gu, '').trim();
    const numbered = /^P(\d+)$/iu.exec(id);
    const passage = numbered ? passages[Number(numbered[1]) - 1] : passages.find((candidate) => candidate.chunkId === id);
    if (!passage || seen.has(passage.chunkId)) continue;
    seen.add(passage.chunkId);
    citations.push({ chunkId: passage.chunkId, documentId: passage.documentId, version: passage.version, title: passage.title });
  }
  return citations;
}

export function citationOf(passage: SearchResult): SuggestionCitation {
  return { chunkId: passage.chunkId, documentId: passage.documentId, version: passage.version, title: passage.title };
}
