import { createHash } from 'node:crypto';
import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import { isMap, isSeq, LineCounter, parseDocument, type Document } from 'yaml';
import type { z } from 'zod';
import { SuiteError } from './suite-error.js';
import { suiteSchema, type LoadedSuite, type SuiteDefinition } from './suite-schema.js';

const suiteFile = /\.ya?ml$/i;

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, item]) => item !== undefined)
      .sort(([left], [right]) => (left < right ? -1 : left > right ? 1 : 0));
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonicalJson(item)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

export function suiteVersion(definition: SuiteDefinition): string {
  return createHash('sha256').update(canonicalJson(definition)).digest('hex').slice(0, 12);
}

/** The id of the case at `path` (['cases', 3, ...]) in the raw document, for messages. */
function caseIdAt(raw: unknown, path: readonly PropertyKey[]): string | undefined {
  if (path[0] !== 'cases' || typeof path[1] !== 'number') return undefined;
  const cases = (raw as { cases?: unknown } | null)?.cases;
  const item = Array.isArray(cases) ? (cases[path[1]] as { id?: unknown } | undefined) : undefined;
  return typeof item?.id === 'string' ? item.id : `#${path[1] + 1}`;
}

/** Line of the deepest node on `path` that exists in the YAML document. */
function lineAt(document: Document | undefined, lineCounter: LineCounter | undefined, path: readonly PropertyKey[]): number | undefined {
  if (!document || !lineCounter) return undefined;
  for (let length = path.length; length >= 0; length -= 1) {
    const node = document.getIn(path.slice(0, length) as (string | number)[], true) as { range?: [number, number, number] } | undefined;
    if (node && typeof node === 'object' && node.range) return lineCounter.linePos(node.range[0]).line;
  }
  return undefined;
}

function issueMessage(issue: z.core.$ZodIssue): string {
  const field = issue.path.map(String).join('.');
  return `${field || '(root)'}: ${issue.message}`;
}

/**
 * Validates a parsed suite (from YAML or posted inline). Checks the schema, duplicate case ids and patterns;
 * references to documents and rules are checked against the live targets by validate-suite-references.ts.
 */
export function buildSuite(raw: unknown, file: string, fallbackName: string, yaml?: { document: Document; lineCounter: LineCounter }): LoadedSuite {
  const parsed = suiteSchema.safeParse(raw);
  if (!parsed.success) {
    // Report the issue nearest the top of the file first: that is where an author looks.
    const issues = parsed.error.issues
      .map((issue) => ({ issue, line: lineAt(yaml?.document, yaml?.lineCounter, issue.path) }))
      .sort((left, right) => (left.line ?? 0) - (right.line ?? 0));
    const first = issues[0];
    if (!first) throw new SuiteError(file, 'invalid suite');
    const kindIssue = first.issue.path.at(-1) === 'kind' || (first.issue.code === 'invalid_union' && first.issue.path.length === 2);
    const detail = kindIssue ? `${issueMessage(first.issue)} (a case kind is suggestion, compliance, summary or retrieval)` : issueMessage(first.issue);
    throw new SuiteError(file, detail, { line: first.line, caseId: caseIdAt(raw, first.issue.path) });
  }
  const definition = parsed.data;
  const caseLines: Record<string, number> = {};
  definition.cases.forEach((item, index) => {
    const line = lineAt(yaml?.document, yaml?.lineCounter, ['cases', index]);
    if (Object.hasOwn(caseLines, item.id)) {
      throw new SuiteError(file, `duplicate case id '${item.id}' (first at line ${caseLines[item.id] ?? '?'})`, { line, caseId: item.id });
    }
    caseLines[item.id] = line ?? 0;
    if (item.kind === 'suggestion') {
      for (const pattern of item.expect.mustNotMatch ?? []) {
        try {
          new RegExp(pattern, 'u');
        } catch (error) {
          throw new SuiteError(file, `mustNotMatch /${pattern}/ is not a valid regular expression: ${(error as Error).message}`, { line, caseId: item.id });
        }
      }
    }
    for (const date of [item.kind === 'retrieval' ? item.asOf : undefined].filter((value): value is string => value !== undefined)) {
      if (Number.isNaN(new Date(date).getTime())) throw new SuiteError(file, `asOf '${date}' is not a date`, { line, caseId: item.id });
    }
  });
  if (definition.defaults?.asOf !== undefined && Number.isNaN(new Date(definition.defaults.asOf).getTime())) {
    throw new SuiteError(file, `defaults.asOf '${definition.defaults.asOf}' is not a date`, { line: lineAt(yaml?.document, yaml?.lineCounter, ['defaults', 'asOf']) });
  }
  return { name: definition.name ?? fallbackName, version: suiteVersion(definition), file, definition, caseLines };
}

/** Parses one suite's YAML text; `file` names it in errors. */
export function parseSuite(file: string, yamlText: string): LoadedSuite {
  const lineCounter = new LineCounter();
  const document = parseDocument(yamlText, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const error = document.errors[0];
  if (error) {
    const line = lineCounter.linePos(error.pos[0]).line;
    throw new SuiteError(file, `YAML error: ${error.message.split('\n')[0] ?? error.code}`, { line });
  }
  if (!isMap(document.contents)) throw new SuiteError(file, 'a suite is a YAML mapping with `cases:`', { line: 1 });
  const cases = document.get('cases', true);
  if (cases !== undefined && !isSeq(cases)) throw new SuiteError(file, '`cases` must be a list', { line: lineAt(document, lineCounter, ['cases']) });
  return buildSuite(document.toJS(), file, basename(file, extname(file)).toLowerCase(), { document, lineCounter });
}

export async function loadSuiteFile(path: string): Promise<LoadedSuite> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new SuiteError(path, `cannot read the suite: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  return parseSuite(path, text);
}

/**
 * Suite files named on the command line: a file as given, a directory's own `*.yaml` files (not its
 * sub-folders, so `evals/suites/model-only/` runs only when named).
 */
export async function listSuiteFiles(paths: readonly string[]): Promise<string[]> {
  const files: string[] = [];
  for (const path of paths) {
    const info = await stat(path).catch(() => undefined);
    if (!info) throw new SuiteError(path, 'no such file or directory');
    if (info.isDirectory()) {
      const entries = (await readdir(path, { withFileTypes: true })).filter((entry) => entry.isFile() && suiteFile.test(entry.name) && !entry.name.startsWith('.'));
      if (entries.length === 0) throw new SuiteError(path, 'no suite files (*.yaml) in this directory');
      files.push(...entries.map((entry) => join(path, entry.name)).sort());
    } else {
      files.push(path);
    }
  }
  return [...new Set(files)];
}

/** Every suite file under `directory`, sub-folders included: what the API resolves a suite name against. */
export async function findSuiteFiles(directory: string): Promise<string[]> {
  const found: string[] = [];
  const walk = async (folder: string): Promise<void> => {
    const entries = await readdir(folder, { withFileTypes: true }).catch(() => []);
    for (const entry of entries.sort((left, right) => left.name.localeCompare(right.name))) {
      if (entry.name.startsWith('.')) continue;
      const path = join(folder, entry.name);
      if (entry.isDirectory()) await walk(path);
      else if (suiteFile.test(entry.name)) found.push(path);
    }
  };
  await walk(directory);
  return found;
}
