#!/usr/bin/env node
import { basename, relative, resolve } from 'node:path';
import cliProgress from 'cli-progress';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { roles, type Role } from './access/api-key-service.js';
import { composeRuntime, createChatModel, createEmbedder, openDatabase, type Runtime } from './compose.js';
import { formatDoctorReport, runDoctor } from './operations/run-doctor.js';
import { PromptLibrary } from './llm/prompt-library.js';
import { summarizeWithModel } from './summaries/model-summarizer.js';
import { ConfigError, loadConfig, type Config } from './config.js';
import { businessInstant } from './knowledge/business-dates.js';
import { reindexEmbeddings } from './knowledge/embedding-index.js';
import { ProposalDecidedError, ProposalNotFoundError } from './knowledge/question-proposals.js';
import { ingestFiles, listIngestibleFiles, summarizeIngest } from './knowledge/ingest-files.js';
import { readFile } from 'node:fs/promises';
import { createComplianceEngine } from './compliance/compliance-engine.js';
import { loadComplianceProfiles } from './compliance/compliance-profiles.js';
import { loadRulePacks } from './compliance/load-rule-packs.js';
import { formatRuleTestTable, testRulePacks } from './compliance/rule-self-test.js';
import { readCatalogueProducts, readProductCatalogue } from './knowledge/read-product-catalogue.js';
import { seedSampleKnowledge } from './bootstrap.js';
import { approveEvalCommand, runEvalCommand } from './evals/eval-cli.js';
import { reportFormats, type ReportFormat } from './evals/reports/render-report.js';
import type { SearchResponse } from './retrieval/hybrid-search.js';
import { startServer } from './server.js';
import { ApiClient, ApiError } from './client/api-client.js';
import { knowledgeCommands } from './client/knowledge-commands.js';
import { loadDispositionTaxonomy } from './summaries/disposition-taxonomy.js';
import { loadProductAliases, withSpokenAliases } from './summaries/product-aliases.js';
import { summarizeOffline } from './summaries/offline-summarizer.js';
import { parseTranscript, TranscriptError } from './summaries/parse-transcript.js';
import { complianceOverTranscript } from './summaries/summary-service.js';
import { listCallFiles, readCallFiles } from './calls/read-call-entries.js';
import { insightGroupings, type InsightGrouping } from './insights/insight-service.js';
import { renderInsightsCsv, renderInsightsReport } from './insights/render-insights.js';
import { stat as statFile } from 'node:fs/promises';

const kinds = ['product', 'compliance', 'script', 'faq'] as const;

/** Exit codes from API.md: 0 ok, 1 the command ran and found problems, 2 usage. */
export class CliExit extends Error {
  constructor(
    readonly exitCode: number,
    message = '',
  ) {
    super(message);
  }
}

function positiveInteger(value: string): number {
  const parsed = Number.parseInt(value, 10);
  if (!Number.isInteger(parsed) || parsed < 1 || String(parsed) !== value.trim()) throw new InvalidArgumentError('must be a positive integer');
  return parsed;
}

function config(): Config {
  return loadConfig();
}

/** The running service's API when AGENT_ASSIST_URL is set: commands then never open the local data folder. */
function remoteService(): ApiClient | undefined {
  const settings = config();
  return settings.AGENT_ASSIST_URL ? new ApiClient(settings.AGENT_ASSIST_URL, settings.AGENT_ASSIST_API_KEY) : undefined;
}

async function withRuntime<T>(work: (runtime: Runtime) => Promise<T>, options: { quietLogs?: boolean } = {}): Promise<T> {
  const settings = config();
  const runtime = await composeRuntime(options.quietLogs ? { ...settings, LOG_LEVEL: 'silent' } : settings);
  try {
    return await work(runtime);
  } finally {
    await runtime.close();
  }
}

export interface CliOutput {
  out: (text: string) => void;
  err: (text: string) => void;
}

const processOutput: CliOutput = { out: (text) => process.stdout.write(text), err: (text) => process.stderr.write(text) };

export function buildCli(output: CliOutput = processOutput): Command {
  const program = new Command('agent-assist')
    .description('Copilot for bank contact centres: knowledge, compliant suggestions, compliance checks, summaries, evals')
    .exitOverride()
    .configureOutput({ writeOut: output.out, writeErr: output.err })
    .showHelpAfterError();

  program
    .command('serve')
    .description('start the HTTP service (what `npm start` runs)')
    .action(async () => {
      await startServer(config());
      // Keep the process alive: the server runs until a signal stops it.
      await new Promise(() => undefined);
    });

  program
    .command('ingest')
    .description('ingest files or folders (md, txt, html, pdf, FAQ csv/jsonl) into the knowledge base')
    .argument('<paths...>', 'files or folders')
    .addOption(new Option('--kind <kind>', 'document kind for files without one in their front matter').choices(kinds))
    .option('--source <source>', 'source system name recorded on each document')
    .option('--json', 'print the per-file results as JSON')
    .action(async (paths: string[], options: { kind?: (typeof kinds)[number]; source?: string; json?: boolean }) => {
      const { files, missing } = await listIngestibleFiles(paths.map((path) => resolve(path)));
      if (files.length === 0 && missing.length > 0) throw new CliExit(2, `nothing to ingest: ${missing.join(', ')} not found or not a supported file type\n`);
      const client = remoteService();
      const exitCode = client ? await ingestThroughApi(client, files, missing, options, output) : await withRuntime(async (runtime) => {
        const showBar = !options.json && process.stderr.isTTY;
        const bar = showBar ? new cliProgress.SingleBar({ format: 'ingest [{bar}] {value}/{total} files | {file}', clearOnComplete: true }, cliProgress.Presets.shades_classic) : undefined;
        bar?.start(files.length, 0, { file: '' });
        const results = await ingestFiles(runtime.services.knowledge, files, {
          actor: { id: 'cli' },
          baseDirectory: process.cwd(),
          ...(options.kind ? { kind: options.kind } : {}),
          ...(options.source ? { source: options.source } : {}),
          onFile: (result) => {
            bar?.increment(1, { file: result.path });
            if (!options.json && !showBar) output.err(`${result.status.padEnd(9)} ${result.path}${result.reason ? `: ${result.reason}` : ''}\n`);
          },
        });
        bar?.stop();
        const counts = summarizeIngest(results);
        for (const path of missing) results.push({ path, status: 'rejected', documents: 0, chunks: 0, reason: 'not found or not a supported file type' });
        const rejected = results.filter((result) => result.status === 'rejected');
        if (options.json) output.out(`${JSON.stringify({ results, ...counts, rejected: rejected.length }, null, 2)}\n`);
        else {
          if (showBar) for (const result of rejected) output.err(`rejected  ${result.path}: ${result.reason}\n`);
          output.out(`${files.length} files: ${counts.created} created, ${counts.updated} updated, ${counts.unchanged} unchanged, ${rejected.length} rejected\n`);
        }
        return rejected.length > 0 ? 1 : 0;
      }, { quietLogs: true });
      if (exitCode !== 0) throw new CliExit(exitCode);
    });

  program
    .command('search')
    .description('hybrid search of the knowledge base')
    .argument('<query>', 'what to search for')
    .option('--top-k <n>', 'number of results (1-50)', positiveInteger, 5)
    .addOption(new Option('--kind <kind>', 'only this kind').choices(kinds))
    .option('--as-of <date>', 'search what was effective at this ISO date')
    .option('--json', "print the API's response body")
    .option('--explain', "hit testing: each result's lexical and vector rank and score and the query tokens it matched")
    .action(async (query: string, options: { topK: number; kind?: (typeof kinds)[number]; asOf?: string; json?: boolean; explain?: boolean }) => {
      if (options.topK > 50) throw new CliExit(2, '--top-k must be between 1 and 50\n');
      if (options.asOf && Number.isNaN(new Date(options.asOf).getTime())) throw new CliExit(2, `--as-of '${options.asOf}' is not an ISO date\n`);
      const client = remoteService();
      const searchThroughApi = async () =>
        client!.request<{ results: SearchResponse['results']; tookMs: number; queryTokens?: string[] }>('POST', '/v1/knowledge/search', {
          json: { query, topK: options.topK, ...(options.kind ? { kinds: [options.kind] } : {}), ...(options.asOf ? { asOf: options.asOf } : {}), ...(options.explain ? { explain: true } : {}) },
        });
      const searchHere = async () =>
        withRuntime(async (runtime) => {
          // A date means that day's start in the bank's zone, as on the API.
          const asOf = options.asOf ? businessInstant(options.asOf, runtime.services.knowledge.utcOffset) : undefined;
          const found = await runtime.services.search.search({ query, topK: options.topK, ...(options.kind ? { kinds: [options.kind] } : {}), ...(asOf ? { asOf } : {}), ...(options.explain ? { explain: true } : {}) });
          const results = found.results.map(({ headingPath: _headingPath, language: _language, product: _product, ...rest }) => rest);
          return { results, tookMs: found.tookMs, ...(found.queryTokens ? { queryTokens: found.queryTokens } : {}) };
        }, { quietLogs: true });
      {
        const response = client ? await searchThroughApi() : await searchHere();
        if (options.json) {
          output.out(`${JSON.stringify(response, null, 2)}\n`);
          return;
        }
        if (response.queryTokens) output.out(`query tokens: ${response.queryTokens.join(' ') || '(none)'}\n`);
        if (response.results.length === 0) output.out('no results\n');
        response.results.forEach((result, index) => {
          output.out(`${index + 1}. ${result.title}${result.heading ? ` > ${result.heading}` : ''}  [${result.kind}, ${result.externalId} v${result.version}, score ${result.score}, confidence ${result.confidence}]\n`);
          output.out(`   ${result.text.replace(/\s+/g, ' ').slice(0, 240)}\n`);
          const explain = result.explain;
          if (explain) {
            const lexical = explain.lexical ? `#${explain.lexical.rank} BM25 ${explain.lexical.score} matched ${explain.lexical.matchedTokens.join(' ')}` : 'no query token';
            const vector = explain.vector ? `#${explain.vector.rank} cosine ${explain.vector.similarity}` : 'not among the nearest';
            output.out(`   lexical: ${lexical}\n   vector: ${vector}\n   fused: ${explain.fusedScore}\n`);
          }
        });
        output.out(`(${response.tookMs} ms)\n`);
      }
    });

  program.addCommand(
    knowledgeCommands({
      output,
      remote: remoteService,
      local: (work) => withRuntime((runtime) => work(runtime.services.knowledge), { quietLogs: true }),
      usage: (message) => new CliExit(2, message),
      color: process.stdout.isTTY === true,
    }),
  );

  const proposals = program.command('proposals').description("customers' questions proposed as similar questions (相似问) of FAQ rows");
  proposals
    .command('list')
    .description('list proposals, oldest first')
    .addOption(new Option('--status <status>', 'only this status').choices(['proposed', 'approved', 'rejected']).default('proposed'))
    .option('--limit <n>', 'at most this many (1-200)', positiveInteger, 50)
    .option('--json', "print the API's response body")
    .action(async (options: { status: 'proposed' | 'approved' | 'rejected'; limit: number; json?: boolean }) => {
      if (options.limit > 200) throw new CliExit(2, '--limit must be between 1 and 200\n');
      await withRuntime(async (runtime) => {
        const page = await runtime.services.proposals.list({ status: options.status, limit: options.limit });
        if (options.json) {
          output.out(`${JSON.stringify(page, null, 2)}\n`);
          return;
        }
        if (page.items.length === 0) output.out(`no ${options.status} proposals\n`);
        for (const item of page.items) output.out(`${item.id}  ${item.externalId}  x${item.timesProposed}  ${item.question}\n`);
      }, { quietLogs: true });
    });
  const decide = (action: 'approve' | 'reject') => async (id: string, options: { comment?: string }) => {
    if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id)) throw new CliExit(2, `'${id}' is not a proposal id (UUID)\n`);
    if (action === 'reject' && !options.comment?.trim()) throw new CliExit(2, 'reject needs --comment saying why\n');
    const exitCode = await withRuntime(async (runtime) => {
      try {
        const actor = { id: 'cli' };
        const decided = action === 'approve' ? await runtime.services.proposals.approve(id, actor, options.comment) : await runtime.services.proposals.reject(id, actor, options.comment!);
        output.out(`${decided.status}: ${decided.externalId}${decided.approvedVersion ? ` v${decided.approvedVersion}` : ''}  ${decided.question}\n`);
        return 0;
      } catch (error) {
        if (error instanceof ProposalNotFoundError || error instanceof ProposalDecidedError) {
          output.err(`${error.message}\n`);
          return 1;
        }
        throw error;
      }
    }, { quietLogs: true });
    if (exitCode !== 0) throw new CliExit(exitCode);
  };
  proposals.command('approve').description('add the question to its FAQ row (a new version)').argument('<id>', 'proposal id').option('--comment <text>', 'why').action(decide('approve'));
  proposals.command('reject').description('reject the proposal, saying why').argument('<id>', 'proposal id').requiredOption('--comment <text>', 'why').action(decide('reject'));

  program
    .command('check')
    .description('compliance check of one agent utterance (exit 1 on major or critical findings)')
    .argument('<text>', 'the utterance')
    .addOption(new Option('--lang <language>', 'primary language, zh or en (detected when absent); other languages in the text are checked too').choices(['zh', 'en']))
    .addOption(new Option('--speaker <speaker>', 'who said it').choices(['agent', 'customer']).default('agent'))
    .addOption(new Option('--risk-level <level>', "the customer's risk level, for suitability").choices(['C1', 'C2', 'C3', 'C4', 'C5']))
    .option('--profile <profile>', 'compliance profile (CN, US, UK, EU or several joined by commas); default COMPLIANCE_PROFILE')
    .option('--json', "print the API's response body")
    .action(async (text: string, options: { lang?: 'zh' | 'en'; speaker: 'agent' | 'customer'; riskLevel?: 'C1' | 'C2' | 'C3' | 'C4' | 'C5'; profile?: string; json?: boolean }) => {
      if (!text.trim()) throw new CliExit(2, 'the text to check is empty\n');
      const settings = config();
      const products = await readProductCatalogue(resolve(settings.KNOWLEDGE_DIR));
      const packs = loadRulePacks(resolve(settings.RULES_DIR));
      const profiles = loadComplianceProfiles(resolve(settings.COMPLIANCE_PROFILES_FILE), packs);
      const engine = createComplianceEngine({ packs, profiles, profile: settings.COMPLIANCE_PROFILE, ...(settings.COMPLIANCE_CURRENCY ? { currency: settings.COMPLIANCE_CURRENCY } : {}), products: () => products });
      let profile: string | undefined;
      try {
        profile = options.profile ? engine.profileOf(options.profile)?.id : undefined;
      } catch (error) {
        throw new CliExit(2, `--profile: ${(error as Error).message}\n`);
      }
      const result = engine.check({ text, speaker: options.speaker, ...(options.lang ? { language: options.lang } : {}), ...(options.riskLevel ? { customer: { riskLevel: options.riskLevel } } : {}), ...(profile ? { profile } : {}) });
      if (options.json) output.out(`${JSON.stringify(result, null, 2)}\n`);
      else {
        output.out(`${result.verdict.toUpperCase()}  (${result.findings.length} finding${result.findings.length === 1 ? '' : 's'}, rules ${result.rulesVersion})\n`);
        for (const finding of result.findings) {
          output.out(`- [${finding.severity}] ${finding.ruleId} ${finding.title}\n    "${finding.evidence.text}" (${finding.evidence.start}-${finding.evidence.end})\n    ${finding.explanation}\n`);
          if (finding.fix) output.out(`    fix: ${finding.fix}\n`);
          output.out(`    source: ${finding.source}\n`);
        }
      }
      if (result.verdict === 'fail') throw new CliExit(1);
    });

  program
    .command('summarize')
    .description('post-call summary of a transcript file (JSONL turns or `speaker: text` lines)')
    .argument('<file>', 'transcript file')
    .addOption(new Option('--lang <language>', 'zh or en (detected when absent)').choices(['zh', 'en']))
    .option('--json', 'print the summary as JSON')
    .action(async (file: string, options: { lang?: 'zh' | 'en'; json?: boolean }) => {
      const content = await readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => {
        throw new CliExit(2, `cannot read ${file}: ${error.code === 'ENOENT' ? 'no such file' : error.message}\n`);
      });
      let turns;
      try {
        turns = parseTranscript(content).turns;
      } catch (error) {
        if (error instanceof TranscriptError) throw new CliExit(2, `${file}: ${error.message}\n`);
        throw error;
      }
      const settings = config();
      const products = await readProductCatalogue(resolve(settings.KNOWLEDGE_DIR));
      const engine = createComplianceEngine({ packs: loadRulePacks(resolve(settings.RULES_DIR)), products: () => products });
      const catalogue = withSpokenAliases(await readCatalogueProducts(resolve(settings.KNOWLEDGE_DIR)), loadProductAliases(resolve(settings.KNOWLEDGE_DIR, 'product-aliases.yaml')));
      const context = {
        ...(options.lang ? { language: options.lang } : {}),
        products: catalogue,
        taxonomy: loadDispositionTaxonomy(resolve(settings.KNOWLEDGE_DIR, 'dispositions.yaml')),
        compliance: (all: Parameters<typeof complianceOverTranscript>[1]) => complianceOverTranscript(engine, all, options.lang),
      };
      // With a model configured the model writes the summary (falling back to the offline one, marked degraded).
      const chatModel = createChatModel(settings);
      const summary = chatModel
        ? await summarizeWithModel(turns, { ...context, model: chatModel, prompts: new PromptLibrary(resolve(settings.PROMPTS_DIR)), onFallback: (error) => output.err(`model summary failed, offline summary used: ${error instanceof Error ? error.message : String(error)}\n`) })
        : summarizeOffline(turns, context);
      if (options.json) {
        output.out(`${JSON.stringify(summary, null, 2)}\n`);
        return;
      }
      const zh = summary.language === 'zh';
      const line = (label: string, value: string) => output.out(`${label}: ${value}\n`);
      line(zh ? '来电原因' : 'Reason', summary.reason || '-');
      line(zh ? '客户诉求' : 'Intent', summary.customerIntent || '-');
      line(zh ? '来电类别' : 'Reason category', summary.reasonCategory ?? '-');
      line(zh ? '涉及产品' : 'Products', summary.productsDiscussed.map((product) => product.name).join(', ') || '-');
      line(zh ? '已办事项' : 'Actions', summary.actionsTaken.map((action) => action.text).join('; ') || '-');
      line(zh ? '处理结果' : 'Resolution', summary.outcome ? `${summary.resolution} (${summary.outcome})` : summary.resolution);
      line(zh ? '后续跟进' : 'Follow-ups', summary.followUps.map((item) => `${item.action} (${item.owner}${item.due ? `, ${item.due}` : ''})`).join('; ') || '-');
      line(zh ? '对客承诺' : 'Commitments', summary.commitments.map((item) => `${item.text}${item.due ? ` (${item.due})` : ''}`).join('; ') || '-');
      line(zh ? '投诉' : 'Complaint', summary.complaint.raised ? `${summary.complaint.category ?? ''} ${summary.complaint.severity ?? ''}`.trim() || 'yes' : zh ? '无' : 'none');
      line(zh ? '情绪' : 'Sentiment', `${summary.sentiment.start} -> ${summary.sentiment.end}`);
      line(zh ? '合规问题' : 'Compliance findings', summary.compliance.findings.map((finding) => `${finding.ruleId} (${finding.severity})`).join(', ') || '-');
      line(zh ? '缺失披露' : 'Missing disclosures', summary.compliance.missingDisclosures.join(', ') || '-');
      line(zh ? '小结代码' : 'Disposition', summary.dispositionCode);
      line(zh ? '通话小结' : 'Narrative', summary.narrative || '-');
    });

  const rules = program.command('rules').description('the compliance rule packs');
  rules
    .command('test')
    .description("run every rule's examples and paraphrases; print a table per rule (exit 1 when any case fails)")
    .option('--rule <id>', 'only rules whose id starts with this (CN-SALES, CN-SALES-001)')
    .option('--failures', 'only rules with a failing case')
    .option('--json', 'print the reports as JSON')
    .action((options: { rule?: string; failures?: boolean; json?: boolean }) => {
      const settings = config();
      const reports = testRulePacks(loadRulePacks(resolve(settings.RULES_DIR))).filter(
        (report) => (!options.rule || report.ruleId.startsWith(options.rule.toUpperCase())) && (!options.failures || report.failures.length > 0),
      );
      if (options.rule && reports.length === 0 && !options.failures) throw new CliExit(2, `no rule id starts with ${options.rule}\n`);
      output.out(options.json ? `${JSON.stringify(reports, null, 2)}\n` : formatRuleTestTable(reports));
      if (reports.some((report) => report.failures.length > 0)) throw new CliExit(1);
    });

  const evaluation = program.command('eval').description('eval suites for compliance staff');
  evaluation
    .command('run')
    .description('run eval suites (files or folders); exit 0 all pass and no regression, 1 failures or regressions, 2 invalid suite or usage')
    .argument('<suites...>', 'suite files or folders (a folder runs its top-level *.yaml files)')
    .option('--baseline <baseline>', 'a run id, "approved", a JSON report file or a folder of reports')
    .option('--out <dir>', 'where the reports are written', 'eval-reports')
    .option('--format <formats>', `comma-separated report formats (${reportFormats.join(', ')})`, reportFormats.join(','))
    .option('--concurrency <n>', 'cases run at once', positiveInteger, 4)
    .option('--repeat <n>', 'run each case n times; cases that pass only sometimes are reported as flaky', positiveInteger, 1)
    .option('--no-cache', 'do not reuse cached model answers (release runs)')
    .action(async (suites: string[], options: { baseline?: string; out: string; format: string; concurrency: number; repeat: number; cache: boolean }) => {
      const formats = options.format.split(',').map((format) => format.trim()).filter(Boolean);
      const unknown = formats.filter((format) => !(reportFormats as readonly string[]).includes(format));
      if (unknown.length > 0 || formats.length === 0) throw new CliExit(2, `--format: unknown format ${unknown.join(', ') || '(none)'}; use ${reportFormats.join(', ')}\n`);
      const code = await withRuntime(async (runtime) => {
        await seedSampleKnowledge(runtime, (line) => output.err(`${line}\n`));
        return runEvalCommand(
          { suites, ...(options.baseline ? { baseline: options.baseline } : {}), out: options.out, formats: formats as ReportFormat[], concurrency: options.concurrency, cache: options.cache, repeat: options.repeat },
          { service: runtime.services.evals, print: output.out },
        );
      }, { quietLogs: true });
      if (code !== 0) throw new CliExit(code);
    });
  evaluation
    .command('approve')
    .description('mark a finished run as the approved baseline of its suite')
    .argument('<runId>', 'the run to approve')
    .action(async (runId: string) => {
      const code = await withRuntime((runtime) => approveEvalCommand(runId, { service: runtime.services.evals, print: output.out }), { quietLogs: true });
      if (code !== 0) throw new CliExit(code);
    });

  const keys = program.command('keys').description('manage API keys');
  keys
    .command('create')
    .description('create an API key and print it once')
    .addOption(new Option('--role <role>', 'agent | knowledge_owner | compliance | admin').choices(roles).makeOptionMandatory())
    .requiredOption('--name <name>', 'who or what the key is for')
    .option('--desk <desk>', 'bind an agent key to a desk (team): it then sees only its desk\'s conversations')
    .action(async (options: { role: Role; name: string; desk?: string }) => {
      const desk = options.desk?.trim();
      if (options.desk !== undefined && (!desk || desk.length > 100)) throw new CliExit(2, '--desk must be 1 to 100 characters\n');
      if (desk !== undefined && options.role !== 'agent') throw new CliExit(2, `--desk applies to agent keys only; a ${options.role} key sees every desk\n`);
      await withRuntime(async (runtime) => {
        const created = await runtime.services.apiKeys.create(options.role, options.name, desk !== undefined ? { desk } : {});
        output.out(`${created.key}\n`);
        output.err(`created ${options.role} key ${created.id} for ${options.name}${desk !== undefined ? ` on desk ${desk}` : ''}; it is not shown again\n`);
      }, { quietLogs: true });
    });

  program
    .command('doctor')
    .description('check the data folder (or DATABASE_URL), migrations, pgvector, search indexes and the embedder; exit 0 all ok, 1 problems')
    .option('--json', 'print the checks as JSON')
    .action(async (options: { json?: boolean }) => {
      const settings = { ...config(), LOG_LEVEL: 'silent' as const };
      const embedder = createEmbedder(settings);
      const report = await runDoctor({
        ...(settings.DATABASE_URL ? {} : { dataDirectory: resolve(settings.DATA_DIR) }),
        openDatabase: () => openDatabase(settings),
        embedder: { id: embedder.id, dimensions: embedder.dimensions },
      });
      output.out(options.json ? `${JSON.stringify(report, null, 2)}\n` : formatDoctorReport(report));
      if (!report.ok) throw new CliExit(1);
    });

  program
    .command('import')
    .description('import data into the service')
    .command('calls')
    .description('import past calls (JSONL, CSV, transcripts; files or folders): each is summarised and inspected; idempotent by external id')
    .argument('<paths...>', 'files or folders')
    .option('--batch-size <n>', 'calls written per transaction (default IMPORT_BATCH_SIZE)', positiveInteger)
    .option('--json', 'print the report as JSON')
    .action(async (paths: string[], options: { batchSize?: number; json?: boolean }) => {
      const { files, missing } = await listCallFiles(paths.map((path) => resolve(path)));
      if (files.length === 0) throw new CliExit(2, `nothing to import: ${missing.join(', ')} not found\n`);
      const exitCode = await withRuntime(async (runtime) => {
        const totalBytes = (await Promise.all(files.map(async (file) => (await statFile(file)).size))).reduce((sum, size) => sum + size, 0);
        const showBar = !options.json && process.stderr.isTTY;
        const bar = showBar ? new cliProgress.SingleBar({ format: 'import [{bar}] {percentage}% | {imported} imported, {skipped} skipped, {failed} failed | {rate} calls/s', clearOnComplete: true }, cliProgress.Presets.shades_classic) : undefined;
        bar?.start(Math.max(totalBytes, 1), 0, { imported: 0, skipped: 0, failed: 0, rate: 0 });
        const started = performance.now();
        let bytes = 0;
        const report = await runtime.services.callImport.importEntries(
          readCallFiles(files, { relativeTo: (path) => relative(process.cwd(), path), onBytes: (count) => { bytes += count; } }),
          {
            ...(options.batchSize ? { batchSize: options.batchSize } : {}),
            onProgress: (progress) => {
              const rate = Math.round(progress.imported / Math.max((performance.now() - started) / 1000, 0.001));
              bar?.update(Math.min(bytes, totalBytes), { ...progress, rate });
              if (!showBar && !options.json) output.err(`read ${progress.read}, imported ${progress.imported}, skipped ${progress.skipped}, failed ${progress.failed}\n`);
            },
          },
        );
        bar?.update(totalBytes);
        bar?.stop();
        for (const path of missing) report.failed.push({ position: path, problem: 'not found' });
        if (options.json) output.out(`${JSON.stringify(report, null, 2)}\n`);
        else {
          for (const problem of report.failed) output.err(`failed  ${problem.position}${problem.externalId ? ` (${problem.externalId})` : ''}: ${problem.problem}\n`);
          const states = Object.entries(report.reviewStates).map(([state, count]) => `${count} ${state}`).join(', ');
          output.out(`${report.read} read: ${report.imported} imported${states ? ` (${states})` : ''}, ${report.skipped} already imported, ${report.failed.length} failed\n`);
        }
        return report.failed.length > 0 ? 1 : 0;
      }, { quietLogs: true });
      if (exitCode !== 0) throw new CliExit(exitCode);
    });

  program
    .command('insights')
    .description('voice of the customer over a period: reasons, complaints, products, vulnerable customers, findings, emerging topics')
    .requiredOption('--from <date>', 'start of the period (ISO date or timestamp)')
    .requiredOption('--to <date>', 'end of the period, exclusive')
    .option('--team <team>', 'only this team')
    .option('--product <product>', 'only calls that discussed this product')
    .addOption(new Option('--channel <channel>', 'only this channel').choices(['voice', 'chat']))
    .addOption(new Option('--language <language>', 'only this language').choices(['zh', 'en']))
    .addOption(new Option('--group-by <dimension>', 'a breakdown by this dimension').choices([...insightGroupings]))
    .option('--limit <n>', 'rows per section', positiveInteger, 10)
    .addOption(new Option('--format <format>', 'output').choices(['text', 'json', 'csv']).default('text'))
    .action(async (options: { from: string; to: string; team?: string; product?: string; channel?: 'voice' | 'chat'; language?: 'zh' | 'en'; groupBy?: InsightGrouping; limit: number; format: 'text' | 'json' | 'csv' }) => {
      const from = new Date(options.from);
      const to = new Date(options.to);
      if (Number.isNaN(from.getTime())) throw new CliExit(2, `--from '${options.from}' is not an ISO date\n`);
      if (Number.isNaN(to.getTime())) throw new CliExit(2, `--to '${options.to}' is not an ISO date\n`);
      if (to <= from) throw new CliExit(2, '--to must be after --from\n');
      await withRuntime(async (runtime) => {
        const insights = await runtime.services.insights.insights({
          from,
          to,
          limit: options.limit,
          ...(options.team ? { team: options.team } : {}),
          ...(options.product ? { product: options.product } : {}),
          ...(options.channel ? { channel: options.channel } : {}),
          ...(options.language ? { language: options.language } : {}),
          ...(options.groupBy ? { groupBy: options.groupBy } : {}),
        });
        output.out(options.format === 'json' ? `${JSON.stringify(insights, null, 2)}\n` : options.format === 'csv' ? renderInsightsCsv(insights) : renderInsightsReport(insights));
      }, { quietLogs: true });
    });

  program
    .command('reindex')
    .description('re-embed every chunk with the configured embedder (after changing EMBEDDING_MODEL or dimensions)')
    .action(async () => {
      const settings = { ...config(), LOG_LEVEL: 'silent' as const };
      const { openDatabase, createEmbedder } = await import('./compose.js');
      const { migrate } = await import('./db/migrate.js');
      const database = await openDatabase(settings);
      try {
        await migrate(database);
        const embedder = createEmbedder(settings);
        const result = await reindexEmbeddings(database, embedder, {
          onProgress: (done, total) => output.err(`\rre-embedded ${done}/${total} chunks`),
        });
        output.out(`\nreindexed ${result.chunks} chunks with ${embedder.id}\n`);
        // An embedder fitted on the base (the offline one) refits its query weighting on what was just embedded.
        const { CorpusStatisticsKeeper } = await import('./knowledge/corpus-statistics.js');
        const statistics = await new CorpusStatisticsKeeper(database, embedder, { refitShare: 0 }).refit();
        if (statistics) output.out(`query weighting fitted on ${statistics.documents} passages\n`);
      } finally {
        await database.close();
      }
    });

  return program;
}

/** `ingest` against a running service: each file posted as the upload a knowledge owner would send. */
async function ingestThroughApi(
  client: ApiClient,
  files: readonly string[],
  missing: readonly string[],
  options: { kind?: string; source?: string; json?: boolean },
  output: CliOutput,
): Promise<number> {
  const results: Array<{ path: string; status: 'created' | 'updated' | 'unchanged' | 'rejected'; documents: number; reason?: string }> = [];
  for (const path of files) {
    const display = relative(process.cwd(), path) || path;
    const form = new FormData();
    if (options.kind) form.set('kind', options.kind);
    if (options.source) form.set('source', options.source);
    form.set('sourceUri', `file:${display}`);
    form.set('file', new Blob([await readFile(path)]), basename(path));
    try {
      const body = await client.request<{ outcome?: 'created' | 'updated' | 'unchanged'; documents?: unknown[]; created?: number; updated?: number }>('POST', '/v1/knowledge/documents', { form });
      const status = body.outcome ?? ((body.created ?? 0) > 0 ? 'created' : (body.updated ?? 0) > 0 ? 'updated' : 'unchanged');
      results.push({ path: display, status, documents: body.documents?.length ?? 1 });
    } catch (error) {
      // A file the service refuses is named with why; a service that cannot be reached stops the command.
      if (!(error instanceof ApiError) || error.status === 0 || error.status === 401 || error.status === 403) throw error;
      results.push({ path: display, status: 'rejected', documents: 0, reason: error.detail });
    }
    const last = results[results.length - 1]!;
    if (!options.json) output.err(`${last.status.padEnd(9)} ${last.path}${last.reason ? `: ${last.reason}` : ''}\n`);
  }
  for (const path of missing) results.push({ path, status: 'rejected', documents: 0, reason: 'not found or not a supported file type' });
  const count = (status: string) => results.filter((result) => result.status === status).length;
  const rejected = count('rejected');
  if (options.json) output.out(`${JSON.stringify({ results, created: count('created'), updated: count('updated'), unchanged: count('unchanged'), rejected }, null, 2)}\n`);
  else output.out(`${files.length} files: ${count('created')} created, ${count('updated')} updated, ${count('unchanged')} unchanged, ${rejected} rejected\n`);
  return rejected > 0 ? 1 : 0;
}

export async function runCli(argv: string[], output: CliOutput = processOutput): Promise<number> {
  const program = buildCli(output);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return 0;
  } catch (error) {
    if (error instanceof CliExit) {
      if (error.message) output.err(error.message);
      return error.exitCode;
    }
    if (error instanceof ApiError) {
      output.err(`${error.title}: ${error.detail}\n${error.errors.map((problem) => `  ${problem.field}: ${problem.message}\n`).join('')}`);
      return 1;
    }
    if (error instanceof CommanderError) {
      // --help and --version exit 0; anything else commander rejects is a usage error.
      return error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.code === 'commander.help' ? 0 : 2;
    }
    if (error instanceof ConfigError) {
      output.err(`${error.message}\n`);
      return 2;
    }
    output.err(`agent-assist: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
}

const invokedDirectly = process.argv[1] && import.meta.url === new URL(`file://${resolve(process.argv[1])}`).href;
if (invokedDirectly) {
  const code = await runCli(process.argv.slice(2));
  if (code !== 0) process.exitCode = code;
}
