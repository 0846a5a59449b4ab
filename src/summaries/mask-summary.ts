import { maskText } from '../privacy/mask-personal-data.js';
import type { Summary } from './summary-schema.js';

/**
 * The summary's free text with personal data masked (138****5678): summaries are read in CRM notes, exports and
 * reports far from the call. Ids, dates and codes are ours and stay exact.
 */
export function maskSummary(summary: Summary): Summary {
  return {
    ...summary,
    reason: maskText(summary.reason),
    customerIntent: maskText(summary.customerIntent),
    ...(summary.customerAsks ? { customerAsks: summary.customerAsks.map((ask) => ({ ...ask, text: maskText(ask.text), label: maskText(ask.label) })) } : {}),
    ...(summary.narrative === undefined ? {} : { narrative: maskText(summary.narrative) }),
    productsDiscussed: summary.productsDiscussed.map((product) => ({ ...product, name: maskText(product.name) })),
    actionsTaken: summary.actionsTaken.map((action) => ({ ...action, text: maskText(action.text) })),
    followUps: summary.followUps.map((followUp) => ({ ...followUp, action: maskText(followUp.action) })),
    commitments: summary.commitments.map((commitment) => ({ ...commitment, text: maskText(commitment.text) })),
    compliance: {
      ...summary.compliance,
      findings: summary.compliance.findings.map((finding) => ({ ...finding, ...(finding.evidence === undefined ? {} : { evidence: maskText(finding.evidence) }) })),
    },
  };
}
