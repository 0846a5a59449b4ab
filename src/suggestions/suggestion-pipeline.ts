import { createHash } from 'node:crypto';
import type { ComplianceEngine } from '../compliance/compliance-engine.js';
import type { ChatMessage, ChatModel, TokenUsage } from '../llm/chat-model.js';
import { ModelError } from '../llm/model-error.js';
import { renderPrompt, type PromptLibrary } from '../llm/prompt-library.js';
import type { SearchQuery, SearchResponse, SearchResult } from '../retrieval/hybrid-search.js';
import { understandTurn, type Situation, type TurnUnderstanding } from '../understanding/understand-turn.js';
import { profileSituations } from '../understanding/detect-situations.js';
import { discussedProduct, latestExchange, productNotOffered, riskRatedProductNamed, spokenProductNames, type KnownProduct } from '../understanding/discussed-product.js';
import { repairSoundAlikes } from '../understanding/repair-sound-alikes.js';
import { governingJurisdiction, toldJurisdiction } from '../understanding/call-jurisdiction.js';
import { topicDisclosures } from './topic-disclosures.js';
import { composeTurnReplies, mergeKnowledge, planSearches, type PlannedSearch } from './turn-replies.js';
import { untilAborted } from '../llm/until-aborted.js';
import { consumeModelStream, isShowable, reportShown, StreamSession, streamExtractive } from './guarded-stream.js';
import { baseWordings, termFrequency, termRarity, type TermStatistics } from './query-terms.js';
import { ReplacementPool } from './replacement-pool.js';
import { shortestBackOffPart } from './answer-relevance.js';
import { baseWordOf } from '../text/base-word.js';
import { buildRetrievalQuery, preferApprovedWording } from './retrieval-query.js';
import { SuggestionGuard } from './suggestion-guard.js';
import { escapeData, resolveCitations, suggestionMessages, suggestionOutputSchema, type SuggestionOutput } from './suggestion-prompt.js';
import type {
  DegradedCause,
  GeneratedSuggestion,
  GuardOutcome,
  PipelineConversation,
  PipelineTurn,
  StreamObserver,
  SuggestionBatch,
} from './suggestion-types.js';

export { buildRetrievalQuery } from './retrieval-query.js';
export type {
  DegradedCause,
  GeneratedSuggestion,
  GuardOutcome,
  PipelineConversation,
  PipelineTurn,
  StreamObserver,
  SuggestionBatch,
  SuggestionCitation,
  SuggestionOrigin,
} from './suggestion-types.js';

export const offlineProvider = 'offline';
export const offlineModel = 'extractive-v1';
export const offlinePromptVersion = 'offline-extractive-v1';
export const defaultSuggestionBudgetMs = 1500;
/** Passages retrieved per request: enough for three replies from distinct sources, few enough for a short prompt. */
export const retrievalTopK = 8;
/** A repair call is asked for only with this much of the budget left; below it the extractive reply is faster. */
export const minimumRepairMs = 250;

export interface SuggestionPipelineOptions {
  /** One search per request (one database round trip). */
  search: (query: SearchQuery) => Promise<SearchResponse>;
  compliance: ComplianceEngine;
  /** Absent: the offline, extractive product mode. */
  chatModel?: ChatModel;
  prompts: PromptLibrary;
  /** From the start of `suggest`; past it the offline answer is returned with `degraded: true`. */
  budgetMs: number;
  onDegraded?: (cause: string, error?: unknown) => void;
  onGuard?: (outcome: GuardOutcome) => void;
  /** The products the knowledge base holds (names, aliases, risk levels): what a follow-up question is about. */
  products?: () => readonly KnownProduct[];
  /** The base's word counts (the search index's): a question's rare and never-seen words weigh most in judging an answer. */
  termStatistics?: () => TermStatistics;
}

export interface SuggestInput {
  conversation: PipelineConversation;
  turns: PipelineTurn[];
  /** 1-3 replies. */
  n: number;
  stream?: StreamObserver;
  /** The caller's own cancellation (client gone): the call rejects with its reason. */
  signal?: AbortSignal;
}

/** The knowledge a turn's searches found, as the suggestion sees it (approved wording first), for the cards. */
export interface TurnCards {
  /** The searches' queries, one a line. */
  query: string;
  results: SearchResult[];
  /** The situations the turn is in (ids of situations.yaml). */
  situations: string[];
}

export interface SuggestionPipeline {
  suggest(input: SuggestInput): Promise<SuggestionBatch>;
  /** The turn's searches as a suggestion runs them, merged: the knowledge cards of a customer turn. */
  cards(turns: PipelineTurn[], language: 'zh' | 'en'): Promise<TurnCards>;
}

/** Turn plans kept (least recently used dropped): a few per conversation in progress on a busy replica. */
const rememberedPlans = 256;
const noProducts: readonly KnownProduct[] = [];

interface TurnPlan {
  /** The catalogue the plan was made with: a knowledge write replaces it, and the plan is made again. */
  products: readonly KnownProduct[];
  /** The turns as the base would write them: a Chinese customer's sound-alike words read as the names they stand for. */
  heard: PipelineTurn[];
  understanding: TurnUnderstanding;
  discussed: KnownProduct | undefined;
  notOffered: Situation | undefined;
  planned: PlannedSearch[];
}

interface TurnRetrieval {
  heard: PipelineTurn[];
  understanding: TurnUnderstanding;
  discussed: KnownProduct | undefined;
  notOffered: Situation | undefined;
  planned: PlannedSearch[];
  responses: SearchResponse[];
}

/** The passages a turn's searches found: each search's best in turn, approved wording first when it fits as well. */
function turnKnowledge(planned: readonly PlannedSearch[], responses: readonly SearchResponse[]): SearchResult[] {
  return preferApprovedWording(mergeKnowledge(responses, retrievalTopK), planned.map((search) => search.query).join('\n'));
}

/**
 * The base's word counts as the turn is read with them: how many passages hold a word, and a spoken word the base never
 * uses read as its part the base uses (text/base-word.ts, down to the fitted shortest part), for the questions' terms
 * and the composer's alike.
 */
function baseVocabulary(statistics: TermStatistics): { frequency: (word: string) => number; baseWord: (word: string) => string } {
  const frequency = termFrequency(statistics);
  const shortestPart = shortestBackOffPart();
  return { frequency, baseWord: (word) => baseWordOf(word, frequency, shortestPart) };
}

/** The abort reason when the time budget runs out, so it is told apart from a caller's abort and a model error. */
export class SuggestionBudgetExceededError extends Error {
  readonly code = 'suggestion_budget_exceeded';
  constructor(budgetMs: number) {
    super(`suggestion budget of ${budgetMs} ms exceeded`);
    this.name = 'SuggestionBudgetExceededError';
  }
}

const round = (milliseconds: number): number => Math.round(milliseconds * 10) / 10;

function addUsage(total: TokenUsage | undefined, more: TokenUsage | undefined): TokenUsage | undefined {
  if (!more) return total;
  if (!total) return { ...more };
  const sum: TokenUsage = {};
  const input = (total.inputTokens ?? 0) + (more.inputTokens ?? 0);
  const output = (total.outputTokens ?? 0) + (more.outputTokens ?? 0);
  if (total.inputTokens !== undefined || more.inputTokens !== undefined) sum.inputTokens = input;
  if (total.outputTokens !== undefined || more.outputTokens !== undefined) sum.outputTokens = output;
  return sum;
}

function problemsText(blocked: { text: string; findings: GeneratedSuggestion['compliance']['findings'] }[]): string {
  return blocked
    .map((item, index) => {
      const problems = item.findings
        .filter((finding) => finding.severity !== 'minor')
        .map((finding) => `- ${finding.ruleId} ${finding.title}: "${escapeData(finding.evidence.text)}". ${finding.explanation}${finding.fix ? ` Fix: ${finding.fix}` : ''}`);
      return [`Blocked reply ${index + 1}: <reply>${escapeData(item.text)}</reply>`, ...problems].join('\n');
    })
    .join('\n\n');
}

type Labels = Pick<SuggestionBatch, 'provider' | 'model' | 'promptName' | 'promptHash' | 'promptVersion'>;

/**
 * What the audit records about the prompt. Streaming sends suggestions.md followed by suggestions-stream.md (the
 * line format), so its name names both files and its hash covers both. The repair prompt, used only sometimes,
 * is not part of it.
 */
function promptLabels(prompts: PromptLibrary, chatModel: ChatModel, streaming: boolean): Labels {
  const system = prompts.get('suggestions');
  const format = streaming ? prompts.get('suggestions-stream') : undefined;
  const promptName = format ? `${system.name}+${format.name}` : system.name;
  const promptHash = format ? createHash('sha256').update(`${system.hash}:${format.hash}`).digest('hex').slice(0, 12) : system.hash;
  return { provider: chatModel.provider, model: chatModel.model, promptName, promptHash, promptVersion: `${promptName}@${promptHash}` };
}

export function createSuggestionPipeline(options: SuggestionPipelineOptions): SuggestionPipeline {
  const budgetMs = options.budgetMs > 0 ? options.budgetMs : defaultSuggestionBudgetMs;
  const onGuard = options.onGuard ?? (() => undefined);
  const plans = new Map<string, TurnPlan>();
  let spokenNames: { products: readonly KnownProduct[]; names: string[] } | undefined;

  /**
   * What the customer said, with the words speech recognition wrote as sound-alikes ("稳赢", "年废") read as the
   * product names and terms of the base: searches, situations and the product under discussion all need the name.
   */
  function hear(turns: PipelineTurn[], language: 'zh' | 'en', products: readonly KnownProduct[]): PipelineTurn[] {
    if (language !== 'zh') return turns;
    if (spokenNames?.products !== products) spokenNames = { products, names: spokenProductNames(products) };
    const names = spokenNames.names;
    return turns.map((turn) => {
      if (turn.speaker !== 'customer') return turn;
      const repaired = repairSoundAlikes(turn.text, names);
      return repaired === turn.text ? turn : { ...turn, text: repaired };
    });
  }

  /**
   * What the turn asks and its searches: one per question plus the situation's script, run together. The knowledge
   * cards pushed on the customer turn run this very plan, so the suggestion requested after them finds every search
   * in the search cache instead of searching again for a slightly different query.
   */
  function plan(turns: PipelineTurn[], language: 'zh' | 'en'): TurnPlan {
    const products = options.products?.() ?? noProducts;
    // The plan is a function of the turns, the language and the catalogue: the cards and the suggestion of one turn share it.
    const key = JSON.stringify([language, turns.map((turn) => [turn.speaker, turn.text])]);
    const remembered = plans.get(key);
    if (remembered && remembered.products === products) return remembered;
    const heard = hear(turns, language, products);
    const statistics = options.termStatistics?.();
    const vocabulary = statistics && statistics.documents > 0 ? baseVocabulary(statistics) : undefined;
    const understanding = understandTurn(heard, language, vocabulary?.frequency, vocabulary?.baseWord);
    const discussed = discussedProduct(heard, products, language);
    const searches = planSearches(
      understanding,
      discussed ? { product: discussed, products } : undefined,
      statistics && statistics.documents > 0 ? (text) => baseWordings(text, statistics) : undefined,
    );
    const notOffered = productNotOffered(heard, products, language);
    const fallbackQuery = buildRetrievalQuery(heard);
    const planned = searches.length > 0 ? searches : [{ purpose: 'question' as const, query: fallbackQuery, composeQuery: fallbackQuery }];
    const made: TurnPlan = { products, heard, understanding, discussed, notOffered, planned };
    plans.delete(key);
    if (plans.size >= rememberedPlans) plans.delete(plans.keys().next().value as string);
    plans.set(key, made);
    return made;
  }

  async function retrieve(turns: PipelineTurn[], language: 'zh' | 'en'): Promise<TurnRetrieval> {
    const { heard, understanding, discussed, notOffered, planned } = plan(turns, language);
    // Two questions (or a question and a situation) can plan the very same search: it runs once.
    const running = new Map<string, Promise<SearchResponse>>();
    const responses = await Promise.all(
      planned.map((search) => {
        const request: SearchQuery = { query: search.query, language, topK: retrievalTopK, ...(search.kinds ? { kinds: search.kinds } : {}) };
        const key = JSON.stringify([request.query, request.kinds ?? null]);
        const pending = running.get(key) ?? options.search(request);
        running.set(key, pending);
        return pending;
      }),
    );
    return { heard, understanding, discussed, notOffered, planned, responses };
  }

  async function cards(turns: PipelineTurn[], language: 'zh' | 'en'): Promise<TurnCards> {
    const { understanding, planned, responses } = await retrieve(turns, language);
    // A passage two of the turn's searches found is shown as the search it fits best found it (its confidence there):
    // the card answers that question, whichever search listed it first.
    const best = new Map<string, SearchResult>();
    for (const result of responses.flatMap((response) => response.results)) {
      const held = best.get(result.chunkId);
      if (!held || result.confidence > held.confidence) best.set(result.chunkId, result);
    }
    const results = turnKnowledge(planned, responses).map((result) => best.get(result.chunkId) ?? result);
    return { query: planned.map((search) => search.query).join('\n'), results, situations: understanding.situations.map((situation) => situation.id) };
  }

  async function suggest(input: SuggestInput): Promise<SuggestionBatch> {
    const started = performance.now();
    input.signal?.throwIfAborted();
    const count = Math.min(3, Math.max(1, Math.trunc(input.n) || 1));
    const language = input.conversation.language;
    const customer = input.conversation.customer;
    const deadline = new AbortController();
    const timer = setTimeout(() => deadline.abort(new SuggestionBudgetExceededError(budgetMs)), budgetMs);
    const signal = input.signal ? AbortSignal.any([input.signal, deadline.signal]) : deadline.signal;
    const remaining = (): number => budgetMs - (performance.now() - started);

    try {
      const { heard, understanding: said, discussed, notOffered, planned, responses } = await retrieve(input.turns, language);
      input.signal?.throwIfAborted();
      // What the customer's profile adds to what they said (a C3 customer wanting the R4 product being discussed).
      const fromProfile = profileSituations(said.sentences.map((sentence) => sentence.normalized).join('\n'), language, customer?.riskLevel, discussed?.riskLevel).filter(
        (situation) => !said.situations.some((known) => known.id === situation.id),
      );
      const understanding = fromProfile.length > 0 ? { ...said, situations: [...said.situations, ...fromProfile] } : said;
      const query = planned.map((search) => search.query).join('\n');
      const knowledge = turnKnowledge(planned, responses);
      // The topic is the latest exchange's: the agent naming it ("cash advances are charged differently") sets it too.
      const profile = input.conversation.complianceProfile;
      // A risk-rated product named in the exchange keeps its disclosure due when a channel ("the app") is named after it.
      const disclosedProduct = discussed?.riskLevel ? discussed : (riskRatedProductNamed(heard, options.products?.() ?? noProducts, language) ?? discussed);
      // Where the call is governed from: the conversation's profile when it was given one, else what the call says
      // (pounds and a London branch): a UK complaint is owed the Ombudsman, a US one is not.
      const heardTexts = heard.map((turn) => turn.text);
      const told = toldJurisdiction(heardTexts, language);
      const governing = governingJurisdiction(heardTexts, language);
      const jurisdictions = profile ? (options.compliance.profileOf(profile)?.jurisdictions ?? []) : governing ? [governing] : [];
      const dueForTopic = topicDisclosures(options.compliance, { language, text: latestExchange(heard).join('\n'), jurisdictions, situations: understanding.situations.map((situation) => situation.id), answersWithheld: understanding.situations.some((situation) => situation.withholdsAnswers), ...(disclosedProduct ? { discussed: disclosedProduct } : {}), ...(profile ? { profile } : {}) });
      const guard = new SuggestionGuard(options.compliance, {
        turns: input.turns,
        customer,
        language,
        ...(profile ? { profile } : {}),
        // Told by the call, not given as its profile: a disclosure of another jurisdiction's law is not appended. Only
        // what the call tells, not the fitted fallback: on a call that tells nothing the agent's own words are checked
        // against every pack of its language (live alerts and eval suites read no jurisdiction), so a reply carries
        // what those packs require, or the agent reading it out would be alerted.
        ...(!profile && told ? { callJurisdictions: [told] } : {}),
        ...(dueForTopic.length > 0 ? { topicDisclosures: dueForTopic } : {}),
      });
      const statistics = options.termStatistics?.();
      const rarity = statistics && statistics.documents > 0 ? termRarity(statistics) : undefined;
      const baseWord = statistics && statistics.documents > 0 ? baseVocabulary(statistics).baseWord : undefined;
      const replies = composeTurnReplies({ understanding, searches: planned, responses, language, plain: guard.plain, count, ...(discussed ? { discussed } : {}), ...(notOffered ? { notOffered } : {}), ...(rarity ? { rarity } : {}), ...(baseWord ? { baseWord } : {}) });
      const pool = new ReplacementPool(replies, guard);
      const session = input.stream ? new StreamSession(guard, pool, input.stream, onGuard) : undefined;
      let modelMs = 0;
      let usage: TokenUsage | undefined;

      const batch = (suggestions: GeneratedSuggestion[], labels: Labels): SuggestionBatch => {
        const result: SuggestionBatch = {
          suggestions: suggestions.filter(isShowable),
          knowledge,
          ...labels,
          tookMs: round(performance.now() - started),
          degraded: false,
          query,
        };
        if (options.chatModel && modelMs > 0) result.modelMs = round(modelMs);
        if (usage) result.usage = usage;
        return result;
      };
      const chatModel = options.chatModel;
      const modelLabels: Labels | undefined = chatModel ? promptLabels(options.prompts, chatModel, session !== undefined) : undefined;
      const offlineLabels: Labels = { provider: offlineProvider, model: offlineModel, promptName: 'offline-extractive', promptHash: 'v1', promptVersion: offlinePromptVersion };

      /** The offline answer: extractive replies, streamed through the sentence gate when a stream is open. */
      const offline = (): GeneratedSuggestion[] => {
        if (session) {
          streamExtractive(session, count);
          if (session.suggestions().length === 0) session.replace(0);
          return session.suggestions();
        }
        const suggestions: GeneratedSuggestion[] = [];
        for (let index = 0; index < count; index += 1) {
          const next = pool.next(new Set(suggestions.flatMap((suggestion) => suggestion.citations.map((citation) => citation.chunkId))));
          if (!next) break;
          reportShown(next.suggestion, onGuard);
          suggestions.push(next.suggestion);
        }
        return suggestions;
      };

      const degrade = (error: unknown): SuggestionBatch => {
        if (input.signal?.aborted) throw input.signal.reason;
        const cause: DegradedCause = deadline.signal.aborted || error instanceof SuggestionBudgetExceededError ? 'budget_exceeded' : error instanceof ModelError ? error.failure : 'unknown';
        options.onDegraded?.(cause, error);
        if (!session) return { ...batch(offline(), offlineLabels), degraded: true, degradedCause: cause };
        // Replies the agent already has stay; the ones cut off or never started are filled in whole, through
        // onSuggestion, so no new tokens land after a half-shown reply.
        for (const index of session.unfinished()) session.replace(index);
        for (let index = 0; index < count; index += 1) if (!session.slots[index]) session.replace(index);
        const suggestions = session.suggestions();
        const labels = suggestions.some((suggestion) => suggestion.origin !== 'extractive') && modelLabels ? modelLabels : offlineLabels;
        return { ...batch(suggestions, labels), degraded: true, degradedCause: cause };
      };

      if (!chatModel || !modelLabels) return batch(offline(), offlineLabels);

      const system = options.prompts.get('suggestions');
      const format = session ? options.prompts.get('suggestions-stream') : undefined;
      const messages = suggestionMessages({ system, ...(format ? { format } : {}), language, customer, plain: guard.plain, count, turns: input.turns, passages: knowledge, understanding: notOffered ? { ...understanding, situations: [notOffered, ...understanding.situations] } : understanding });
      if (remaining() <= 0) return degrade(new SuggestionBudgetExceededError(budgetMs));

      const timed = async <T>(call: () => Promise<T>): Promise<T> => {
        const callStarted = performance.now();
        try {
          return await untilAborted(call(), signal);
        } finally {
          modelMs += performance.now() - callStarted;
        }
      };

      if (session) {
        // Aborted once reading stops, whether early (the last reply was blocked) or not: the request must not linger.
        const reading = new AbortController();
        try {
          const result = await consumeModelStream(chatModel.stream({ messages, temperature: 0.2, signal: AbortSignal.any([signal, reading.signal]) }), {
            session,
            count,
            passages: knowledge,
            signal,
            onWait: (milliseconds) => {
              modelMs += milliseconds;
            },
          });
          usage = addUsage(usage, result.usage);
        } catch (error) {
          return degrade(error);
        } finally {
          reading.abort();
        }
        for (const index of session.unfinished()) session.replace(index);
        if (session.suggestions().length === 0) session.replace(0);
        return batch(session.suggestions(), modelLabels);
      }

      let output: SuggestionOutput;
      let outputText: string;
      try {
        const result = await timed(() =>
          chatModel.generate<SuggestionOutput>({ messages, schema: suggestionOutputSchema, schemaName: 'reply_suggestions', temperature: 0.2, signal }),
        );
        usage = addUsage(usage, result.usage);
        const checked = suggestionOutputSchema.safeParse(result.parsed ?? {});
        if (!checked.success) throw new ModelError('invalid_output', 'the model returned no parsed suggestions');
        output = checked.data;
        outputText = result.text;
      } catch (error) {
        return degrade(error);
      }

      const slots: (GeneratedSuggestion | undefined)[] = [];
      const blocked: { slot: number; text: string; findings: GeneratedSuggestion['compliance']['findings'] }[] = [];
      const wrongLanguage: number[] = [];
      output.suggestions.slice(0, count).forEach((draft, slot) => {
        const guarded = guard.finalize({ text: draft.text, citations: resolveCitations(draft.citations, knowledge), origin: 'model' });
        if (guarded.ok) {
          slots[slot] = guarded.suggestion;
          reportShown(guarded.suggestion, onGuard);
        } else if (guarded.reason === 'language') {
          onGuard('wrong_language');
          wrongLanguage.push(slot);
        } else {
          blocked.push({ slot, text: draft.text, findings: guarded.findings });
        }
      });
      const cited = (): Set<string> => new Set(slots.flatMap((suggestion) => suggestion?.citations.map((citation) => citation.chunkId) ?? []));
      const replace = (slot: number): void => {
        const replacement = pool.next(cited());
        if (!replacement) {
          onGuard('dropped');
          return;
        }
        slots[slot] = replacement.suggestion;
        reportShown(replacement.suggestion, onGuard, true);
      };
      // A model that answered in another language despite the prompt was most likely steered by the conversation
      // (a customer writing in it, or an injected instruction); asking it again would cost a round trip and tend
      // to repeat it. Approved wording retrieved in the conversation's language replaces the reply at once.
      for (const slot of wrongLanguage) replace(slot);

      if (blocked.length > 0 && remaining() > minimumRepairMs) {
        const repair: ChatMessage[] = [
          ...messages,
          { role: 'assistant', content: outputText },
          { role: 'user', content: renderPrompt(options.prompts.get('suggestions-repair'), { problems: problemsText(blocked), count: String(blocked.length) }) },
        ];
        let repaired: SuggestionOutput['suggestions'] = [];
        try {
          const result = await timed(() =>
            chatModel.generate<SuggestionOutput>({ messages: repair, schema: suggestionOutputSchema, schemaName: 'reply_suggestions', temperature: 0.2, signal }),
          );
          usage = addUsage(usage, result.usage);
          repaired = suggestionOutputSchema.safeParse(result.parsed ?? {}).data?.suggestions ?? [];
        } catch (error) {
          if (input.signal?.aborted) throw input.signal.reason;
          // The first answer stands; blocked replies fall back to extractive ones below.
          options.onDegraded?.(deadline.signal.aborted ? 'repair_budget_exceeded' : 'repair_failed', error);
        }
        for (const [position, item] of blocked.entries()) {
          const draft = repaired[position];
          const guarded = draft ? guard.finalize({ text: draft.text, citations: resolveCitations(draft.citations, knowledge), origin: 'regenerated' }) : undefined;
          if (guarded?.ok) {
            slots[item.slot] = guarded.suggestion;
            reportShown(guarded.suggestion, onGuard);
          } else {
            replace(item.slot);
          }
        }
      } else {
        for (const item of blocked) replace(item.slot);
      }
      let suggestions = slots.filter((suggestion): suggestion is GeneratedSuggestion => suggestion !== undefined);
      if (suggestions.length === 0) {
        replace(0);
        suggestions = slots.filter((suggestion): suggestion is GeneratedSuggestion => suggestion !== undefined);
      }
      return batch(suggestions, modelLabels);
    } finally {
      clearTimeout(timer);
    }
  }

  return { suggest, cards };
}

