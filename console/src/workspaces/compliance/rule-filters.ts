import type { Severity } from '../../components/severity-badge';
import type { RulePack, RuleSummary } from './compliance-types';

export interface RuleFilters {
  jurisdiction?: string;
  severity?: Severity;
  kind?: string;
  /** Words that must all appear in the rule's id, title or source (case-insensitive). */
  text?: string;
}

const severityOrder: Record<Severity, number> = { critical: 0, major: 1, minor: 2 };

/** A pack names one jurisdiction or several ("US, UK"). */
export function packJurisdictions(pack: RulePack): string[] {
  return pack.jurisdiction.split(/[,，]\s*/).map((value) => value.trim()).filter(Boolean);
}

export function jurisdictionsOf(packs: readonly RulePack[]): string[] {
  return [...new Set(packs.flatMap(packJurisdictions))].sort();
}

/** Packs with only the rules that pass the filters, most severe first; packs left empty are dropped. */
export function filterRulePacks(packs: readonly RulePack[], filters: RuleFilters): RulePack[] {
  const words = (filters.text ?? '').toLowerCase().split(/\s+/).filter(Boolean);
  const keep = (rule: RuleSummary) =>
    (!filters.severity || rule.severity === filters.severity) &&
    (!filters.kind || rule.kind === filters.kind) &&
    words.every((word) => `${rule.id} ${rule.title} ${rule.source}`.toLowerCase().includes(word));
  return packs
    .filter((pack) => !filters.jurisdiction || packJurisdictions(pack).includes(filters.jurisdiction))
    .map((pack) => ({ ...pack, rules: pack.rules.filter(keep).sort((left, right) => severityOrder[left.severity] - severityOrder[right.severity] || left.id.localeCompare(right.id)) }))
    .filter((pack) => pack.rules.length > 0);
}
