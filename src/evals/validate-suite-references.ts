import type { EvalTargets } from './eval-targets.js';
import { SuiteError } from './suite-error.js';
import type { EvalCase, LoadedSuite } from './suite-schema.js';

function documentsOf(item: EvalCase): string[] {
  if (item.kind === 'suggestion') return item.expect.goldDocuments ?? [];
  if (item.kind === 'retrieval') return [...item.expect.goldDocuments, ...(item.expect.forbiddenDocuments ?? [])];
  return [];
}

function rulesOf(item: EvalCase): string[] {
  if (item.kind === 'suggestion') return [...(item.expect.rules ?? []), ...(item.expect.disclosures ?? [])];
  if (item.kind === 'compliance') return [...(item.expect.rules ?? []), ...(item.expect.absent ?? [])];
  return [];
}

/**
 * A gold document that is not in the knowledge base, or a rule no pack defines, would make a case pass or
 * fail for the wrong reason: both are suite errors, named with the case and its line.
 */
export async function validateSuiteReferences(suite: LoadedSuite, targets: Pick<EvalTargets, 'documentExists' | 'ruleExists'>): Promise<void> {
  const { definition, file } = suite;
  for (const ruleId of definition.defaults?.rules ?? []) {
    if (!targets.ruleExists(ruleId)) throw new SuiteError(file, `defaults.rules: no rule pack defines rule '${ruleId}'`);
  }
  const wanted = [...new Set(definition.cases.flatMap(documentsOf))];
  const existing = wanted.length > 0 ? await targets.documentExists(wanted) : new Set<string>();
  for (const item of definition.cases) {
    const line = suite.caseLines[item.id] || undefined;
    for (const ruleId of rulesOf(item)) {
      if (!targets.ruleExists(ruleId)) throw new SuiteError(file, `no rule pack defines rule '${ruleId}'`, { line, caseId: item.id });
    }
    for (const externalId of documentsOf(item)) {
      if (!existing.has(externalId)) throw new SuiteError(file, `document '${externalId}' is not in the knowledge base`, { line, caseId: item.id });
    }
  }
}
