import type { CountWithTrend, Insights } from './insight-service.js';

/** Quoted when needed; a leading = + - @ is defused so a spreadsheet never runs a cell as a formula. */
function cell(value: unknown): string {
  let text = value === null || value === undefined ? '' : String(value);
  if (/^[=+\-@\t\r]/u.test(text) && !/^-?\d/u.test(text)) text = `'${text}`;
  return /[",\n\r]/u.test(text) ? `"${text.replace(/"/gu, '""')}"` : text;
}

const header = ['section', 'key', 'calls', 'previous_calls', 'share_change_points', 'detail', 'example_calls'];

/** Every section as rows of one CSV (the export): section, key, counts, a detail column and example call ids. */
export function renderInsightsCsv(insights: Insights): string {
  const rows: unknown[][] = [header];
  const trend = (section: string, items: readonly CountWithTrend[]) => {
    for (const item of items) rows.push([section, item.key, item.calls, item.previousCalls, item.shareChange, '', item.exampleCalls.join(' ')]);
  };
  rows.push(['totals', 'calls', insights.totals.calls, insights.totals.previousCalls, '', `complaints=${insights.totals.complaints}; average_score=${insights.totals.averageScore ?? ''}; needs_review=${insights.totals.needsReview}; failed=${insights.totals.failedInspections}`, '']);
  trend('reason', insights.reasons);
  trend('intent', insights.intents);
  trend('complaint_category', insights.complaints);
  for (const product of insights.products) {
    rows.push(['product', product.product, product.calls, product.previousCalls, '', `positive=${product.sentiment.positive}; neutral=${product.sentiment.neutral}; negative=${product.sentiment.negative}; complaints=${product.complaints}`, product.exampleCalls.join(' ')]);
  }
  rows.push(['vulnerable_customers', 'calls', insights.vulnerableCustomers.calls, '', '', `complaints=${insights.vulnerableCustomers.complaints}`, '']);
  trend('vulnerable_reason', insights.vulnerableCustomers.reasons);
  trend('compliance_rule', insights.complianceFindings);
  trend('failed_item', insights.failedItems);
  for (const topic of insights.emergingTopics) {
    rows.push(['emerging_topic', topic.term, topic.current, topic.previous, Math.round((topic.currentShare - topic.previousShare) * 1000) / 10, `share_ratio=${topic.shareRatio}; g2=${topic.logLikelihood}`, topic.exampleCalls.join(' ')]);
  }
  for (const group of insights.groups ?? []) {
    rows.push(['group', group.key, group.calls, '', '', `average_score=${group.averageScore ?? ''}; complaints=${group.complaints}; needs_review=${group.needsReview}; failed=${group.failedInspections}`, '']);
  }
  return `${rows.map((row) => row.map(cell).join(',')).join('\n')}\n`;
}

function trendLine(item: CountWithTrend): string {
  const sign = item.shareChange > 0 ? '+' : '';
  return `  ${item.key.padEnd(28)} ${String(item.calls).padStart(7)}  (prev ${item.previousCalls}, ${sign}${item.shareChange} pts)  e.g. ${item.exampleCalls.slice(0, 2).join(', ')}`;
}

/** The readable report `agent-assist insights` prints. */
export function renderInsightsReport(insights: Insights): string {
  const lines: string[] = [];
  const section = (title: string, items: readonly CountWithTrend[]) => {
    lines.push('', title);
    if (items.length === 0) lines.push('  (none)');
    for (const item of items) lines.push(trendLine(item));
  };
  lines.push(`Voice of the customer ${insights.period.from.slice(0, 10)} .. ${insights.period.to.slice(0, 10)} (previous period from ${insights.period.previousFrom.slice(0, 10)})`);
  const totals = insights.totals;
  lines.push(`calls ${totals.calls} (prev ${totals.previousCalls}), complaints ${totals.complaints}, average score ${totals.averageScore ?? '-'}, needs review ${totals.needsReview}, failed inspections ${totals.failedInspections}`);
  section('Top contact reasons', insights.reasons);
  section('Top intents', insights.intents);
  section('Complaint categories', insights.complaints);
  lines.push('', 'Products (sentiment at the end of the call)');
  if (insights.products.length === 0) lines.push('  (none)');
  for (const product of insights.products) lines.push(`  ${product.product.padEnd(28)} ${String(product.calls).padStart(7)}  +${product.sentiment.positive} =${product.sentiment.neutral} -${product.sentiment.negative}, complaints ${product.complaints}`);
  lines.push('', `Elderly and vulnerable customers: ${insights.vulnerableCustomers.calls} calls, ${insights.vulnerableCustomers.complaints} complaints`);
  for (const item of insights.vulnerableCustomers.reasons) lines.push(trendLine(item));
  section('Compliance findings by rule', insights.complianceFindings);
  section('Failed scorecard items', insights.failedItems);
  lines.push('', `Emerging topics (${insights.emergingMethod})`);
  if (insights.emergingTopics.length === 0) lines.push('  (none)');
  for (const topic of insights.emergingTopics) lines.push(`  ${topic.term.padEnd(28)} ${String(topic.current).padStart(7)}  (prev ${topic.previous}, x${topic.shareRatio}, G² ${topic.logLikelihood})  e.g. ${topic.exampleCalls.slice(0, 2).join(', ')}`);
  if (insights.groups) {
    lines.push('', 'By group');
    for (const group of insights.groups) lines.push(`  ${(group.key || '(none)').padEnd(28)} ${String(group.calls).padStart(7)}  score ${group.averageScore ?? '-'}, complaints ${group.complaints}, needs review ${group.needsReview}`);
  }
  return `${lines.join('\n')}\n`;
}
