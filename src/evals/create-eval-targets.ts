import { createHash } from 'node:crypto';
import type { ComplianceEngine } from '../compliance/compliance-engine.js';
import type { KnowledgeService } from '../knowledge/knowledge-service.js';
import type { ChatModel } from '../llm/chat-model.js';
import type { Embedder } from '../llm/embedder.js';
import type { PromptLibrary } from '../llm/prompt-library.js';
import type { HybridSearch } from '../retrieval/hybrid-search.js';
import { businessInstant } from '../knowledge/business-dates.js';
import type { DispositionTaxonomy } from '../summaries/disposition-taxonomy.js';
import { summarizeOffline } from '../summaries/offline-summarizer.js';
import type { Summary } from '../summaries/summary-schema.js';
import type { EvalSuggestionBatch, EvalTargets, EvalTurn } from './eval-targets.js';
import { createFaithfulnessJudge, faithfulnessPromptName } from './faithfulness-judge.js';

/** The suggestion pipeline's `suggest`, structurally: the harness does not depend on its module. */
export interface SuggestPort {
  suggest: EvalTargets['suggest'];
}

export interface SummarizePort {
  summarize(turns: readonly EvalTurn[], options?: { language?: 'zh' | 'en' }): Promise<Summary>;
}

export interface EvalTargetServices {
  knowledge: KnowledgeService;
  /** The live search, or the publish gate's shadow view of it. */
  search: Pick<HybridSearch, 'search'>;
  compliance: ComplianceEngine;
  embedder: Pick<Embedder, 'id'>;
  /** The suggestion pipeline. Absent: suggestion cases end as `error`, the other kinds still run. */
  pipeline?: SuggestPort;
  /** The summary service. Absent: the offline extractive summary over `taxonomy` and the base's product names. */
  summaries?: SummarizePort;
  taxonomy?: DispositionTaxonomy;
  /** The configured model, if any: it names the run and judges faithfulness when a suite asks for it. */
  chatModel?: ChatModel | undefined;
  prompts?: PromptLibrary;
  /** Prompt files whose hashes identify a model run; missing files are skipped. */
  promptNames?: string[];
  /** The business day the knowledge base is read at; part of every cache key (effective dates). */
  today?: () => string;
}

/** Prompts the model paths read: a change to any of them changes a model run's answers (and its cache keys). */
export const defaultPromptNames = ['suggestions', 'suggestions-stream', 'suggestions-repair', 'summary', 'summary-repair', faithfulnessPromptName];

async function knowledgeFingerprint(knowledge: KnowledgeService): Promise<string> {
  const hash = createHash('sha256');
  let cursor: string | undefined;
  let documents = 0;
  do {
    const page = await knowledge.list({ limit: 200, ...(cursor ? { cursor } : {}) });
    for (const item of page.items) {
      hash.update(`${item.externalId}:${item.currentVersion}:${item.contentHash}:${item.retired ? 'r' : ''}:${item.status};`);
      documents += 1;
    }
    cursor = page.nextCursor;
  } while (cursor);
  return `${documents}:${hash.digest('hex').slice(0, 16)}`;
}

/** Builds the harness's ports from the real services: what compose.ts and the end-to-end test use. */
export function createEvalTargets(services: EvalTargetServices): EvalTargets {
  // Offline runs read no prompt, so prompt edits must not invalidate their cache; model runs record every hash.
  const promptHashes: Record<string, string> = {};
  if (services.chatModel && services.prompts) {
    for (const name of services.promptNames ?? defaultPromptNames) {
      try {
        promptHashes[name] = services.prompts.get(name).hash;
      } catch {
        // A prompt file this deployment does not have is not used by it.
      }
    }
  }
  const today = services.today ?? (() => new Date().toISOString().slice(0, 10));
  const judge = services.chatModel && services.prompts ? createFaithfulnessJudge({ model: services.chatModel, prompts: services.prompts }) : undefined;
  return {
    async suggest(input): Promise<EvalSuggestionBatch> {
      if (!services.pipeline) throw new Error('no suggestion pipeline is configured for evals');
      return services.pipeline.suggest(input);
    },
    check: (input) => services.compliance.check(input),
    async summarize(input) {
      if (services.summaries) return services.summaries.summarize(input.turns, input.language ? { language: input.language } : {});
      if (!services.taxonomy) throw new Error('summary cases need the summary service or a disposition taxonomy');
      return summarizeOffline(input.turns, {
        products: await services.knowledge.products(),
        taxonomy: services.taxonomy,
        ...(input.language ? { language: input.language } : {}),
      });
    },
    search: ({ asOf, ...query }) => services.search.search({ ...query, ...(asOf ? { asOf: businessInstant(asOf, services.knowledge.utcOffset) } : {}) }),
    async documentExists(externalIds) {
      const found = await services.knowledge.findByExternalIds(externalIds);
      return new Set(found.keys());
    },
    ruleExists: (ruleId) => services.compliance.rule(ruleId) !== undefined,
    describeRun: () => ({
      provider: services.chatModel?.provider ?? 'offline',
      model: services.chatModel?.model ?? 'extractive-v1',
      promptHashes,
      rulesVersion: services.compliance.rulesVersion,
      embedder: services.embedder.id,
    }),
    async knowledgeState() {
      return `${await knowledgeFingerprint(services.knowledge)}:${today()}`;
    },
    ...(judge ? { judge } : {}),
  };
}
