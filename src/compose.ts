import { resolve } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { ApiKeyService } from './access/api-key-service.js';
import { createComplianceEngine, type ComplianceEngine } from './compliance/compliance-engine.js';
import type { ProductEntry as ComplianceProduct } from './compliance/compliance-types.js';
import { loadComplianceProfiles, UnknownProfileError } from './compliance/compliance-profiles.js';
import { loadRulePacks } from './compliance/load-rule-packs.js';
import { assertRulePacksPass } from './compliance/rule-self-test.js';
import { createModelComplianceJudge } from './compliance/model-compliance-judge.js';
import { CardFeedbackService } from './conversations/card-feedback.js';
import { ConversationService, type Turn } from './conversations/conversation-service.js';
import { EventHub } from './conversations/event-hub.js';
import { ConfigError, type Config } from './config.js';
import type { Database } from './db/database.js';
import { migrate, pendingMigrations } from './db/migrate.js';
import { createPgliteDatabase } from './db/pglite-database.js';
import { createPgliteWorkerDatabase } from './db/pglite-worker-database.js';
import { createPostgresDatabase } from './db/postgres-database.js';
import { buildApp } from './http/app.js';
import { complianceRoutes } from './http/routes/compliance-routes.js';
import { consoleRoutes } from './http/console-routes.js';
import { conversationRoutes } from './http/routes/conversation-routes.js';
import { evalRoutes } from './http/routes/eval-routes.js';
import { summaryRoutes } from './http/routes/summary-routes.js';
import { reviewRoutes } from './http/routes/review-routes.js';
import { EvalService } from './evals/eval-service.js';
import { createEvalTargets } from './evals/create-eval-targets.js';
import { PublishGate } from './evals/publish-gate.js';
import type { AppServices } from './http/app-services.js';
import type { ProtectionOptions } from './http/protect-service.js';
import { CorpusStatisticsKeeper } from './knowledge/corpus-statistics.js';
import { ensureEmbeddingIndex } from './knowledge/embedding-index.js';
import { DocumentReview } from './knowledge/document-review.js';
import { KnowledgeService } from './knowledge/knowledge-service.js';
import { cardFeedbackSources, ReviewQueueService } from './knowledge/review-queue.js';
import { KnowledgeUsage } from './knowledge/knowledge-usage.js';
import { QuestionProposals, type ProposeInput } from './knowledge/question-proposals.js';
import { maximumQuestionCharacters } from './knowledge/similar-questions.js';
import { repairSearchIndexes } from './knowledge/search-indexes.js';
import type { ChatModel } from './llm/chat-model.js';
import type { Embedder } from './llm/embedder.js';
import { createOfflineEmbedder, offlineEmbedderRefitShare } from './llm/offline-embedder.js';
import { createOpenAIChatModel } from './llm/openai-chat-model.js';
import { createOpenAIEmbedder } from './llm/openai-embedder.js';
import { PromptLibrary } from './llm/prompt-library.js';
import { Metrics } from './observability/metrics.js';
import { maskText } from './privacy/mask-personal-data.js';
import { withMaskedChatModel } from './privacy/masking-chat-model.js';
import { withMaskedEmbedder } from './privacy/masking-embedder.js';
import { HybridSearch, type SearchOverlay, type SearchResult } from './retrieval/hybrid-search.js';
import { createSuggestionPipeline } from './suggestions/suggestion-pipeline.js';
import { SuggestionService } from './suggestions/suggestion-service.js';
import { answersQuestion } from './suggestions/answer-relevance.js';
import { termRarity } from './suggestions/query-terms.js';
import { understandTurn } from './understanding/understand-turn.js';
import { loadDispositionTaxonomy } from './summaries/disposition-taxonomy.js';
import { loadProductAliases, withSpokenAliases } from './summaries/product-aliases.js';
import { SummaryService } from './summaries/summary-service.js';
import { CallImportService } from './calls/call-import-service.js';
import { InspectionService } from './inspections/inspection-service.js';
import { loadScorecards } from './inspections/load-scorecards.js';
import { createItemJudge } from './inspections/judge-scorecard-items.js';
import { InsightService } from './insights/insight-service.js';
import { loadInsightSettings } from './insights/insight-settings.js';
import { callImportRoutes } from './http/routes/call-import-routes.js';
import { insightRoutes } from './http/routes/insight-routes.js';
import { inspectionRoutes } from './http/routes/inspection-routes.js';
import { vectorSearchSessionSql } from './knowledge/vector-search-session-sql.js';

/** Session settings for the vector leg (the HNSW search width is fitted; see vector-search-session-sql.ts). */
const searchSessionSql = vectorSearchSessionSql;

/** An unknown COMPLIANCE_PROFILE is a configuration error: named like every other bad variable. */
function createProfiledEngine(create: () => ComplianceEngine): ComplianceEngine {
  try {
    return create();
  } catch (error) {
    if (error instanceof UnknownProfileError) throw new ConfigError([`COMPLIANCE_PROFILE: ${error.message}`]);
    throw error;
  }
}

export async function openDatabase(
  config: Pick<Config, 'DATABASE_URL' | 'DATA_DIR'> & Partial<Pick<Config, 'PGLITE_IN_WORKER'>>,
  options: { inMemory?: boolean; onNotice?: (message: string, details: Record<string, unknown>) => void } = {},
): Promise<Database> {
  if (config.DATABASE_URL) return createPostgresDatabase({ connectionString: config.DATABASE_URL, sessionSql: searchSessionSql });
  const location = options.inMemory ? {} : { dataDirectory: resolve(config.DATA_DIR) };
  if (config.PGLITE_IN_WORKER ?? true) {
    const onNotice = options.onNotice;
    return createPgliteWorkerDatabase({
      ...location,
      sessionSql: searchSessionSql,
      ...(onNotice ? { onWorkerState: (state, error) => onNotice(`embedded database worker ${state}`, { state, ...(error ? { error: error instanceof Error ? error.message : String(error) } : {}) }) } : {}),
    });
  }
  const database = await createPgliteDatabase(location);
  await database.exec(searchSessionSql).catch(() => undefined);
  return database;
}

export function createEmbedder(config: Config): Embedder {
  // Embeddings go to the API only when a model is named: many OpenAI-compatible chat endpoints have no embeddings,
  // and changing embedder means re-embedding the base (`agent-assist reindex`).
  if (config.OPENAI_API_KEY && config.EMBEDDING_MODEL) {
    // Texts leave the process here: personal data is masked first (the offline embedder keeps everything in).
    return withMaskedEmbedder(createOpenAIEmbedder({
      apiKey: config.OPENAI_API_KEY,
      model: config.EMBEDDING_MODEL,
      ...(config.OPENAI_BASE_URL ? { baseURL: config.OPENAI_BASE_URL } : {}),
      ...(config.EMBEDDING_DIMENSIONS ? { dimensions: config.EMBEDDING_DIMENSIONS } : {}),
      timeoutMs: config.LLM_TIMEOUT_MS,
      batchSize: config.EMBEDDING_BATCH_SIZE,
      concurrency: config.EMBEDDING_CONCURRENCY,
    }));
  }
  return createOfflineEmbedder(config.EMBEDDING_DIMENSIONS ? { dimensions: config.EMBEDDING_DIMENSIONS } : {});
}

export function createChatModel(config: Config): ChatModel | undefined {
  if (!config.OPENAI_API_KEY) return undefined;
  // Messages leave the process here: personal data is masked first.
  return withMaskedChatModel(createOpenAIChatModel({
    apiKey: config.OPENAI_API_KEY,
    model: config.CHAT_MODEL,
    timeoutMs: config.LLM_TIMEOUT_MS,
    ...(config.OPENAI_BASE_URL ? { baseURL: config.OPENAI_BASE_URL } : {}),
    ...(config.MODEL_PROVIDER_LABEL ? { provider: config.MODEL_PROVIDER_LABEL } : {}),
  }));
}

export interface Runtime {
  config: Config;
  services: AppServices;
  chatModel: ChatModel | undefined;
  embedder: Embedder;
  startBackground(): void;
  close(): Promise<void>;
}

/** Opens the database, migrates, checks the embedder against the stored vectors and wires every service. */
export async function composeRuntime(config: Config, overrides: { database?: Database; embedder?: Embedder; chatModel?: ChatModel; collectProcessMetrics?: boolean; onError?: (error: unknown) => void; onNotice?: (message: string, details: Record<string, unknown>) => void } = {}): Promise<Runtime> {
  const database = overrides.database ?? (await openDatabase(config, overrides.onNotice ? { onNotice: overrides.onNotice } : {}));
  try {
    await migrate(database);
    const embedder = overrides.embedder ?? createEmbedder(config);
    await ensureEmbeddingIndex(database, embedder);
    // A crash during a bulk load (or a manual drop) leaves searches scanning every chunk until the index is back.
    for (const repaired of await repairSearchIndexes(database)) {
      overrides.onNotice?.(`search index ${repaired.name} was ${repaired.was} and has been rebuilt`, { index: repaired.name, was: repaired.was, buildMs: repaired.milliseconds });
    }
    // Every chat model is outside the process (a given one too): suggestions, summaries, the judge and evals get masked text.
    const chatModel = overrides.chatModel ? withMaskedChatModel(overrides.chatModel) : createChatModel(config);
    const metrics = new Metrics({ collectProcessMetrics: overrides.collectProcessMetrics ?? false });
    const log = overrides.onError ?? (() => undefined);
    const prompts = new PromptLibrary(resolve(config.PROMPTS_DIR));
    const apiKeys = new ApiKeyService(database, { ...(config.ADMIN_API_KEY ? { adminKey: config.ADMIN_API_KEY } : {}), onError: log });
    const knowledge = new KnowledgeService(database, embedder, { utcOffset: config.BUSINESS_UTC_OFFSET, reviewRequiredKinds: config.REVIEW_REQUIRED_KINDS });
    // A write on another replica clears this one's caches (search results, products) at once, not when they expire.
    const unwatchKnowledge = await knowledge.watchOtherReplicas({ pollMilliseconds: config.KNOWLEDGE_POLL_MS, onError: overrides.onError ?? (() => undefined) });
    // Cached "now" searches live 5 s; every knowledge write below clears them (knowledge.onChange).
    const search = new HybridSearch(database, embedder, { cacheMilliseconds: 5_000, onError: log });
    // Loads this replica's BM25 index from the stored tokens (no segmenting at start-up).
    await search.refreshStatistics();
    // The offline embedder weighs queries by document frequencies fitted on the base (stored, shared by replicas).
    const corpusStatistics = new CorpusStatisticsKeeper(database, embedder, {
      refitShare: offlineEmbedderRefitShare,
      // One drift check a second at most: after each of a run of one-document writes it cost as much as the write's SQL.
      checkIntervalMilliseconds: 1_000,
      onFitted: () => search.invalidateStatistics(),
      onError: log,
    });
    await corpusStatistics.start();
    knowledge.onChange(() => void corpusStatistics.changed());

    // The rule engine reads product risk levels synchronously on the hot path: keep a copy, refreshed on writes.
    let products: readonly ComplianceProduct[] = await knowledge.products();
    knowledge.onChange(() => {
      search.invalidateStatistics();
      void knowledge.products().then((fresh) => {
        products = fresh;
      }, log);
    });
    // A bad rule pack stops the start-up with the file and rule named: checks are never silently disabled.
    const packs = loadRulePacks(resolve(config.RULES_DIR));
    // Every example and paraphrase staff wrote must hold: a rule that no longer catches its own cases stops the start-up.
    assertRulePacksPass(packs);
    const profiles = loadComplianceProfiles(resolve(config.COMPLIANCE_PROFILES_FILE), packs);
    const compliance: ComplianceEngine = createProfiledEngine(() =>
      createComplianceEngine({
        packs,
        profiles,
        profile: config.COMPLIANCE_PROFILE,
        ...(config.COMPLIANCE_CURRENCY ? { currency: config.COMPLIANCE_CURRENCY } : {}),
        products: () => products,
        ...(chatModel ? { judge: createModelComplianceJudge({ model: chatModel, prompts }) } : {}),
        // A verdict is due as fast as a suggestion: past the budget the rules' verdict stands alone.
        judgeBudgetMs: config.SUGGESTION_BUDGET_MS,
      }),
    );

    const events = new EventHub(database, { onError: log });
    const conversations = new ConversationService({
      database,
      compliance,
      // The cards run the suggestion's own searches (one per question, the situation's script: they follow a change of
      // topic within one turn), so the suggestion asked for after the turn finds them all in the search cache; the
      // pipeline is made below, before any turn arrives. The query travels in the pushed `knowledge` event: masked.
      cards: async (turns, language) => {
        const found = await pipeline.cards(turns, language);
        return { ...found, query: maskText(found.query) };
      },
      hub: events,
      // The judge pass on agent turns runs after the turn was answered: it may take as long as any model call.
      judgeBudgetMs: config.LLM_TIMEOUT_MS,
      onError: log,
    });
    // `overlay`: the publish gate's shadow view, in which a submitted version stands in for its document's current one.
    const createPipeline = (overlay?: SearchOverlay) => createSuggestionPipeline({
      // Masked as the knowledge-card query is, so a suggestion right after a customer turn reuses that search.
      search: (query) => search.search({ ...query, query: maskText(query.query), ...(overlay ? { overlay } : {}) }),
      compliance,
      ...(chatModel ? { chatModel } : {}),
      prompts,
      budgetMs: config.SUGGESTION_BUDGET_MS,
      onDegraded: (cause, error) => {
        metrics.degradedSuggestions.inc({ cause });
        log(error ?? new Error(`suggestion degraded: ${cause}`));
      },
      onGuard: (outcome) => metrics.guardVerdicts.inc({ outcome }),
      products: () => products,
      termStatistics: () => search.termStatistics(),
    });
    const pipeline = createPipeline();
    const proposals = new QuestionProposals(database, knowledge);
    // An agent's "this answered the customer" proposes the customer's question as a similar question of the FAQ
    // rows used (never added until a knowledge owner approves). A failure here must not lose the feedback itself.
    const propose = (input: ProposeInput) => proposals.propose(input).then(() => undefined, log);
    const suggestions = new SuggestionService({
      database,
      conversations,
      pipeline,
      rulesVersion: compliance.rulesVersion,
      questionCharacters: maximumQuestionCharacters,
      onAccepted: (accepted) =>
        propose({ documentIds: accepted.documentIds, question: accepted.question, origin: 'suggestion_accepted', conversationId: accepted.conversationId, suggestionId: accepted.suggestionId, proposedBy: accepted.givenBy }),
    });
    const cardFeedback = new CardFeedbackService({
      database,
      conversations,
      questionCharacters: maximumQuestionCharacters,
      onHelpful: (card) => propose({ documentIds: [card.documentId], question: card.question, origin: 'card_helpful', conversationId: card.conversationId, proposedBy: card.givenBy }),
    });
    // Conversations created with suggestions.push get suggestions pushed as events after each customer turn.
    // Usage is counted by triggers (migration 014); questions no card answered become knowledge gaps.
    const usage = new KnowledgeUsage({ database, utcOffset: config.BUSINESS_UTC_OFFSET, knowledge, proposals });
    await usage.start();
    const noteGap = async (conversationId: string, language: 'zh' | 'en', turnId: string, recent: readonly Turn[]) => {
      // The turns the customer turn already read (not read again while its suggestion runs).
      const turns = recent.slice(-8);
      // Only what the turn asks afresh: filler, stories and a question carried over from before are no new gap.
      const asked = understandTurn(turns, language).questions.filter((question) => !question.carried);
      if (asked.length === 0) return;
      const terms = asked.flatMap((question) => question.terms);
      const rarity = termRarity(search.termStatistics());
      await usage.noteQuestion({
        conversationId,
        turnId,
        language,
        question: asked.map((question) => question.text).join(' '),
        // The suggestion path's own test: a question no card answers is one that gets the hand-over.
        answers: (card) => card.kind !== 'compliance' && answersQuestion(card as unknown as SearchResult, terms, rarity),
      });
    };
    conversations.onCustomerTurn((conversation, turn, recent) => {
      if (conversation.suggestionsEnabled) suggestions.suggest(conversation.id, { n: 3 }).catch(log);
      usage.track(noteGap(conversation.id, conversation.language, turn.id, recent), log);
    });
    // Summaries report products of the catalogue (product documents, ids and titles) plus the aliases staff add.
    const productAliases = loadProductAliases(resolve(config.KNOWLEDGE_DIR, 'product-aliases.yaml'));
    let summaryProducts = withSpokenAliases(await knowledge.productCatalogue(), productAliases);
    knowledge.onChange(() => {
      void knowledge.productCatalogue().then((fresh) => {
        summaryProducts = withSpokenAliases(fresh, productAliases);
      }, log);
    });
    const jobRetryBackoff = { baseMilliseconds: config.JOB_RETRY_BASE_MS, maximumMilliseconds: config.JOB_RETRY_MAX_MS };
    const summaries = new SummaryService({
      database,
      engine: compliance,
      conversations,
      products: () => summaryProducts,
      taxonomy: loadDispositionTaxonomy(resolve(config.KNOWLEDGE_DIR, 'dispositions.yaml')),
      ...(chatModel ? { chatModel } : {}),
      prompts,
      retryBackoff: jobRetryBackoff,
      onError: log,
    });
    conversations.onEnded(() => summaries.wake());
    const liveTargets = createEvalTargets({ knowledge, search, compliance, pipeline, summaries, embedder, chatModel, prompts });
    // A bad scorecard stops the start-up with its file and item named, as a bad rule pack does.
    const insightSettings = loadInsightSettings(resolve(config.KNOWLEDGE_DIR, 'insights.yaml'));
    const inspections = new InspectionService({ database, scorecards: loadScorecards(resolve(config.SCORECARDS_DIR)), ruleKind: (ruleId) => compliance.rule(ruleId)?.kind, insights: insightSettings, retryBackoff: jobRetryBackoff, ...(chatModel ? { judge: createItemJudge({ model: chatModel, prompts, onError: log }) } : {}), onError: log });
    const callImport = new CallImportService({ database, batchSize: config.IMPORT_BATCH_SIZE, summarize: (turns, options) => summaries.summarize(turns, options), recordContext: () => inspections.recordContext });
    const insights = new InsightService({ database, settings: insightSettings });
    const evals = new EvalService({
      database,
      targets: liveTargets,
      suitesDirectory: resolve(config.EVALS_DIR),
    });
    const gate = new PublishGate({
      database,
      evals,
      liveTargets,
      shadowTargets: (overlay) => {
        const shadow = createEvalTargets({
          knowledge,
          search: { search: (query) => search.search({ ...query, overlay }) },
          compliance,
          pipeline: createPipeline(overlay),
          summaries,
          embedder,
          chatModel,
          prompts,
        });
        // The eval cache must not answer a shadow run with the live base's results (or another draft's).
        return { ...shadow, knowledgeState: async () => `${(await shadow.knowledgeState?.()) ?? ''}:shadow:${overlay.documentId}:${overlay.version}` };
      },
      onError: log,
    });
    const review = new DocumentReview({ database, knowledge, gate });
    // Open gaps come from the usage capability; often-dismissed documents from card feedback, which knows the owner,
    // the helpful count and the reasons the queue shows.
    const dismissals = cardFeedbackSources(database);
    const reviewQueue = new ReviewQueueService({
      database,
      gate,
      sources: {
        listGaps: async ({ since, limit }) => (await usage.listGaps({ from: since.toISOString(), limit, status: 'open' })).items.map((gap) => ({ ...gap, gapId: gap.id })),
        listOftenDismissed: (filter) => dismissals.listOftenDismissed(filter),
      },
    });

    const services: AppServices = {
      database,
      apiKeys,
      knowledge,
      proposals,
      usage,
      cardFeedback,
      review,
      reviewQueue,
      search,
      compliance,
      conversations,
      events,
      suggestions,
      summaries,
      evals,
      inspections,
      callImport,
      insights,
      metrics,
      settings: { heartbeatMilliseconds: config.SSE_HEARTBEAT_MS, judgeEnabled: chatModel !== undefined },
      modelInfo: {
        provider: chatModel?.provider ?? 'offline',
        model: chatModel?.model ?? 'extractive-v1',
        embedder: embedder.id,
      },
      async readiness() {
        const checks: Record<string, string> = {};
        try {
          await database.query('select 1');
          checks.database = 'ok';
          const pending = await pendingMigrations(database);
          checks.migrations = pending.length === 0 ? 'ok' : `pending: ${pending.join(', ')}`;
        } catch (error) {
          checks.database = `unreachable: ${error instanceof Error ? error.message : String(error)}`;
        }
        return { ready: Object.values(checks).every((value) => value === 'ok'), checks };
      },
    };
    return {
      config,
      services,
      chatModel,
      embedder,
      /** Background work (summary jobs, event fan-out) runs only in the server, not in one-shot CLI commands. */
      startBackground() {
        summaries.start();
        inspections.start();
        corpusStatistics.watch();
        void events.start().catch(log);
        // Other replicas' knowledge writes reach this one's BM25 index by NOTIFY (and, failing that, at the next search).
        void search.start().catch(log);
      },
      async close() {
        await conversations.judgementsSettled();
        await summaries.stop();
        await inspections.stop();
        corpusStatistics.stop();
        await corpusStatistics.settled();
        apiKeys.stopWatching();
        await unwatchKnowledge().catch(() => undefined);
        await events.stop();
        await search.stop();
        await evals.close();
        // After the eval service: its close aborts the suite run a check is waiting on.
        await gate.close();
        await database.close();
      },
    };
  } catch (error) {
    await database.close().catch(() => undefined);
    throw error;
  }
}

function protectionOptions(config: Config, database: Database): ProtectionOptions {
  return {
    perMinuteByRole: {
      agent: config.RATE_LIMIT_AGENT_PER_MINUTE,
      knowledge_owner: config.RATE_LIMIT_KNOWLEDGE_OWNER_PER_MINUTE,
      compliance: config.RATE_LIMIT_COMPLIANCE_PER_MINUTE,
      admin: config.RATE_LIMIT_ADMIN_PER_MINUTE,
    },
    anonymousPerMinute: config.RATE_LIMIT_ANONYMOUS_PER_MINUTE,
    lockout: {
      failureLimit: config.AUTH_FAILURE_LIMIT,
      windowSeconds: config.AUTH_FAILURE_WINDOW_SECONDS,
      lockoutSeconds: config.AUTH_LOCKOUT_SECONDS,
      maximumLockoutSeconds: config.AUTH_LOCKOUT_MAX_SECONDS,
    },
    shedding: {
      maximumLagMs: config.SHED_MAX_LAG_MS,
      minimumInFlightForLag: config.SHED_LAG_MIN_IN_FLIGHT,
      maximumInFlight: config.SHED_MAX_IN_FLIGHT,
      maximumDatabaseWaitMs: config.SHED_MAX_DATABASE_WAIT_MS,
      maximumEventLoopDelayMs: config.SHED_MAX_EVENT_LOOP_DELAY_MS,
      maximumEventLoopUtilization: config.SHED_MAX_EVENT_LOOP_UTILIZATION,
      retryAfterSeconds: config.SHED_RETRY_AFTER_SECONDS,
      refusalHoldMs: config.SHED_REFUSAL_HOLD_MS,
    },
    corsOrigins: config.CORS_ORIGINS,
    ...(database.queueWaitMilliseconds ? { databaseWaitMilliseconds: () => database.queueWaitMilliseconds?.() ?? 0 } : {}),
  };
}

export async function composeApp(runtime: Runtime, options: { logStream?: { write(line: string): void } } = {}): Promise<FastifyInstance> {
  return buildApp(runtime.services, {
    bodyLimitBytes: runtime.config.BODY_LIMIT_BYTES,
    logLevel: runtime.config.LOG_LEVEL,
    ...(options.logStream ? { logStream: options.logStream } : {}),
    routes: [complianceRoutes, conversationRoutes, summaryRoutes, evalRoutes, reviewRoutes, inspectionRoutes, callImportRoutes, insightRoutes, consoleRoutes(resolve(runtime.config.CONSOLE_DIR))],
    trustProxy: runtime.config.TRUST_PROXY,
    protection: protectionOptions(runtime.config, runtime.services.database),
  });
}
