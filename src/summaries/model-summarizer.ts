import type { ChatMessage, ChatModel } from '../llm/chat-model.js';
import { ModelError } from '../llm/model-error.js';
import { renderPrompt, type Prompt, type PromptLibrary } from '../llm/prompt-library.js';
import { foldText } from '../text/segment-text.js';
import { detectIntent } from './detect-intent.js';
import { pickDisposition } from './disposition-taxonomy.js';
import { mergeSectionSummaries } from './merge-section-summaries.js';
import { modelSummarySchema, type ModelSummary } from './model-summary-schema.js';
import { complianceOf, resolveLanguage, summarizeOffline } from './offline-summarizer.js';
import { renderTranscript, splitIntoSections } from './render-transcript.js';
import { resolveDueDate } from './resolve-due-date.js';
import type { SummaryContext, SummaryTurn } from './summary-context.js';
import { summaryData } from './summary-data.js';
import type { CallOutcome, ComplianceSummary, Resolution, Summary, SummaryLanguage } from './summary-schema.js';
import { writeNarrative } from './write-narrative.js';

export interface ModelSummaryOptions {
  model: ChatModel;
  prompts: PromptLibrary;
  /** Rendered transcript size above which the call is summarised in sections and merged; default 12,000. */
  maxContextChars?: number;
  signal?: AbortSignal;
  /** Told why the offline summary was returned instead (for logs and metrics); never rethrows. */
  onFallback?: (error: unknown) => void;
}

export const defaultMaxContextChars = 12_000;

class InvalidSummaryOutput extends Error {
  readonly problems: string[];

  constructor(problems: string[]) {
    super(`summary output invalid after repair: ${problems.slice(0, 5).join('; ')}`);
    this.name = 'InvalidSummaryOutput';
    this.problems = problems;
  }
}

type Attempt = { ok: true; value: ModelSummary } | { ok: false; problems: string[]; output: string };

function parseJsonText(text: string): unknown {
  const unfenced = text.replace(/^\s*```(?:json)?\s*/iu, '').replace(/\s*```\s*$/u, '');
  const start = unfenced.indexOf('{');
  const end = unfenced.lastIndexOf('}');
  if (start < 0 || end <= start) throw new Error('no JSON object in the output');
  return JSON.parse(unfenced.slice(start, end + 1));
}

async function attempt(model: ChatModel, messages: ChatMessage[], signal: AbortSignal | undefined): Promise<Attempt> {
  let text = '';
  let candidate: unknown;
  try {
    const result = await model.generate<unknown>({
      messages,
      schema: modelSummarySchema,
      schemaName: 'call_summary',
      temperature: 0,
      ...(signal ? { signal } : {}),
    });
    text = result.text;
    candidate = result.parsed ?? parseJsonText(result.text);
  } catch (error) {
    // Bad output is worth one repair; any other model failure goes straight to the offline summary.
    if (error instanceof ModelError && error.failure === 'invalid_output') {
      // Adapters that validate themselves may attach the raw output and zod issues: the repair needs both.
      const details = error as ModelError & { output?: unknown; issues?: unknown };
      const issues = Array.isArray(details.issues)
        ? details.issues.map((issue: { path?: unknown[]; message?: unknown }) => `${(issue.path ?? []).map(String).join('.') || '(root)'}: ${String(issue.message)}`)
        : [];
      return { ok: false, problems: issues.length > 0 ? issues : [error.message], output: typeof details.output === 'string' ? details.output : text };
    }
    if (error instanceof ModelError) throw error;
    if (error instanceof SyntaxError || (error instanceof Error && error.message === 'no JSON object in the output')) {
      return { ok: false, problems: [`not valid JSON: ${error.message}`], output: text };
    }
    throw error;
  }
  const checked = modelSummarySchema.safeParse(candidate);
  if (checked.success) return { ok: true, value: checked.data };
  const problems = checked.error.issues.map((issue) => `${issue.path.map(String).join('.') || '(root)'}: ${issue.message}`);
  return { ok: false, problems, output: text || JSON.stringify(candidate) };
}

const weekdays = {
  zh: ['星期日', '星期一', '星期二', '星期三', '星期四', '星期五', '星期六'],
  en: ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'],
} as const;

function callDay(reference: Date, timeZone: string): { date: string; weekday: number } {
  const date = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(reference);
  return { date, weekday: new Date(`${date}T00:00:00Z`).getUTCDay() };
}

interface SectionRequest {
  turns: readonly SummaryTurn[];
  index: number;
  count: number;
}

interface Run {
  context: SummaryContext & ModelSummaryOptions;
  language: SummaryLanguage;
  prompt: Prompt;
  repairPrompt: Prompt;
  reference: Date;
  timeZone: string;
  maxContextChars: number;
}

async function summarizeSection(run: Run, section: SectionRequest): Promise<ModelSummary> {
  const { context } = run;
  const day = callDay(run.reference, run.timeZone);
  const instructions = renderPrompt(run.prompt, {
    language: run.language === 'zh' ? 'Chinese (简体中文)' : 'English',
    callDate: day.date,
    weekday: weekdays.en[day.weekday] ?? '',
    timeZone: run.timeZone,
    reasonCategories: summaryData().reasons.map((reason) => `- ${reason.definition.id}: ${reason.definition.label.en} / ${reason.definition.label.zh}`).join('\n'),
    dispositionCodes: context.taxonomy.codes.map((code) => `- ${code.code}: ${code.label.en} / ${code.label.zh}`).join('\n'),
    products: context.products.length > 0 ? context.products.map((product) => `- ${product.name}`).join('\n') : '(none listed)',
    section:
      section.count === 1
        ? 'The transcript below is the whole call.'
        : `The transcript below is part ${section.index + 1} of ${section.count} of one long call; summarise only this part.`,
  });
  const messages: ChatMessage[] = [
    { role: 'system', content: instructions },
    { role: 'user', content: renderTranscript(section.turns, run.maxContextChars) },
  ];
  const first = await attempt(context.model, messages, context.signal);
  if (first.ok) return first.value;
  const repair: ChatMessage[] = [
    ...messages,
    { role: 'assistant', content: first.output || '(no output)' },
    { role: 'user', content: renderPrompt(run.repairPrompt, { errors: first.problems.map((problem) => `- ${problem}`).join('\n') }) },
  ];
  const second = await attempt(context.model, repair, context.signal);
  if (second.ok) return second.value;
  throw new InvalidSummaryOutput(second.problems);
}

/** The model left the narrative out: the template writes it from the model's own facts, so the two never disagree. */
function narrativeFrom(draft: ModelSummary, language: SummaryLanguage, label: string, outcome: CallOutcome): string {
  return writeNarrative({
    language,
    reasonLabel: label,
    asks: draft.reason ? [{ category: '', label, text: draft.reason, turnIds: [] }] : [],
    products: draft.productsDiscussed.map((product) => ({ name: product.name, turnIds: [] })),
    actionsTaken: draft.actionsTaken,
    outcome,
    followUps: draft.followUps.map((followUp) => ({ action: followUp.action, owner: followUp.owner, turnIds: [] })),
    complaint: { raised: draft.complaint.raised },
  });
}

/** Code, not the model, owns ids, dates, codes and labels: unknown ids are dropped, dates recomputed where the text names a day. */
function finalise(run: Run, turns: readonly SummaryTurn[], draft: ModelSummary, compliance: ComplianceSummary): Summary {
  const { context } = run;
  const known = new Set(turns.map((turn) => turn.id));
  const keep = (ids: readonly string[]) => [...new Set(ids.filter((id) => known.has(id)))];
  const dueFor = (text: string, modelDue: string | null | undefined) => {
    const due = resolveDueDate(text, { reference: run.reference, timeZone: run.timeZone }) ?? modelDue ?? undefined;
    return due ? { due } : {};
  };
  const productNames = new Map<string, { name: string; id?: string }>();
  for (const product of context.products) {
    for (const name of [product.name, ...(product.aliases ?? [])]) productNames.set(foldText(name), { name: product.name, ...(product.id ? { id: product.id } : {}) });
  }
  // What code reads in the transcript completes what the model left out or got outside the known values.
  const offline = summarizeOffline(turns, context, { compliance });
  const categories = summaryData().reasons.map((reason) => reason.definition);
  const category = categories.find((candidate) => candidate.id === draft.reasonCategory);
  const outcome: CallOutcome = draft.outcome ?? offline.outcome ?? 'unresolved';
  const resolution: Resolution =
    outcome === 'transferred' ? 'escalated' : outcome === 'callback_promised' && (draft.resolution === 'resolved' || draft.resolution === 'unresolved') ? 'follow_up' : draft.resolution;
  const codes = new Set(context.taxonomy.codes.map((code) => code.code));
  const customerTexts = turns.filter((turn) => turn.speaker === 'customer').map((turn) => foldText(turn.text));
  const dispositionCode = codes.has(draft.dispositionCode)
    ? draft.dispositionCode
    : pickDisposition(context.taxonomy, {
        intent: detectIntent(customerTexts, run.language).key,
        complaint: { raised: draft.complaint.raised, ...(draft.complaint.category ? { category: draft.complaint.category } : {}) },
        foldedText: customerTexts.join('\n'),
      });
  return {
    reason: draft.reason,
    customerIntent: draft.customerIntent,
    productsDiscussed: draft.productsDiscussed.map((product) => {
      const known = productNames.get(foldText(product.name));
      return { name: known?.name ?? product.name, ...(known?.id ? { productId: known.id } : {}), turnIds: keep(product.turnIds) };
    }),
    actionsTaken: draft.actionsTaken.map((action) => ({ text: action.text, turnIds: keep(action.turnIds) })),
    resolution,
    followUps: draft.followUps.map((followUp) => ({
      action: followUp.action,
      owner: followUp.owner,
      ...dueFor(followUp.action, followUp.due),
      turnIds: keep(followUp.turnIds),
    })),
    commitments: draft.commitments.map((commitment) => ({
      text: commitment.text,
      ...dueFor(commitment.text, commitment.due),
      turnIds: keep(commitment.turnIds),
    })),
    complaint: draft.complaint.raised
      ? {
          raised: true,
          ...(draft.complaint.category ? { category: draft.complaint.category } : {}),
          ...(draft.complaint.severity ? { severity: draft.complaint.severity } : {}),
        }
      : { raised: false },
    sentiment: draft.sentiment,
    compliance,
    evidence: {
      reason: keep(draft.evidence.reason),
      customerIntent: keep(draft.evidence.customerIntent),
      resolution: keep(draft.evidence.resolution),
      complaint: keep(draft.evidence.complaint),
    },
    dispositionCode,
    reasonCategory: category?.id ?? offline.reasonCategory ?? 'other',
    customerAsks: category && category.id !== offline.reasonCategory
      ? [{ category: category.id, label: category.label[run.language], text: draft.reason, turnIds: keep(draft.evidence.customerIntent) }]
      : offline.customerAsks ?? [],
    outcome,
    narrative: draft.narrative?.trim() || narrativeFrom(draft, run.language, category?.label[run.language] ?? offline.customerIntent, outcome),
    language: run.language,
    provider: context.model.provider,
    model: context.model.model,
    promptVersion: `summary@${run.prompt.hash}`,
  };
}

/**
 * The model-written summary. Invalid output is repaired once (prompts/summary-repair.md with the validation
 * errors); after that, or on any model failure, the offline summary is returned with `degraded: true`:
 * this never throws for a model's sake. Calls longer than `maxContextChars` are summarised per section and
 * merged deterministically (mergeSectionSummaries), not by another model call.
 */
export async function summarizeWithModel(
  turns: readonly SummaryTurn[],
  context: SummaryContext & ModelSummaryOptions,
): Promise<Summary> {
  const compliance = complianceOf(turns, context);
  if (turns.length === 0) return summarizeOffline(turns, context, { compliance });
  try {
    const run: Run = {
      context,
      language: resolveLanguage(turns, context.language),
      prompt: context.prompts.get('summary'),
      repairPrompt: context.prompts.get('summary-repair'),
      reference: context.callEndedAt ?? new Date(),
      timeZone: context.timeZone ?? 'Asia/Shanghai',
      maxContextChars: context.maxContextChars ?? defaultMaxContextChars,
    };
    const sections = splitIntoSections(turns, run.maxContextChars);
    const drafts = await Promise.all(
      sections.map((section, index) => summarizeSection(run, { turns: section, index, count: sections.length })),
    );
    const draft = drafts.length === 1 && drafts[0] ? drafts[0] : mergeSectionSummaries(drafts);
    return finalise(run, turns, draft, compliance);
  } catch (error) {
    context.onFallback?.(error);
    return { ...summarizeOffline(turns, context, { compliance }), degraded: true };
  }
}
