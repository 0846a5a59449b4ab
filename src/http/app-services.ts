import type { ApiKeyService } from '../access/api-key-service.js';
import type { ComplianceEngine } from '../compliance/compliance-engine.js';
import type { CardFeedbackService } from '../conversations/card-feedback.js';
import type { ConversationService } from '../conversations/conversation-service.js';
import type { EventHub } from '../conversations/event-hub.js';
import type { Database } from '../db/database.js';
import type { EvalService } from '../evals/eval-service.js';
import type { KnowledgeService } from '../knowledge/knowledge-service.js';
import type { DocumentReview } from '../knowledge/document-review.js';
import type { KnowledgeUsage } from '../knowledge/knowledge-usage.js';
import type { QuestionProposals } from '../knowledge/question-proposals.js';
import type { ReviewQueueService } from '../knowledge/review-queue.js';
import type { Metrics } from '../observability/metrics.js';
import type { HybridSearch } from '../retrieval/hybrid-search.js';
import type { SuggestionService } from '../suggestions/suggestion-service.js';
import type { SummaryService } from '../summaries/summary-service.js';
import type { CallImportService } from '../calls/call-import-service.js';
import type { InspectionService } from '../inspections/inspection-service.js';
import type { InsightService } from '../insights/insight-service.js';

/** What the routes call. Built by compose.ts; routes never construct services or pick adapters. */
export interface AppServices {
  database: Database;
  apiKeys: ApiKeyService;
  knowledge: KnowledgeService;
  /** Customers' questions proposed as similar questions of FAQ rows, for knowledge owners to approve. */
  proposals: QuestionProposals;
  /** Usage of documents and chunks, and customers' questions the base could not answer (gaps). */
  usage: KnowledgeUsage;
  cardFeedback: CardFeedbackService;
  /** Review before publish: submit (the eval gate runs), approve by another key, reject. */
  review: DocumentReview;
  reviewQueue: ReviewQueueService;
  search: HybridSearch;
  compliance: ComplianceEngine;
  conversations: ConversationService;
  events: EventHub;
  suggestions: SuggestionService;
  summaries: SummaryService;
  evals: EvalService;
  inspections: InspectionService;
  callImport: CallImportService;
  insights: InsightService;
  metrics: Metrics;
  settings: { heartbeatMilliseconds: number; judgeEnabled: boolean };
  /** Provider label and model name, for responses and /readyz. */
  modelInfo: { provider: string; model: string; embedder: string };
  readiness(): Promise<{ ready: boolean; checks: Record<string, string> }>;
}
