// Checks the kinds of product told by what the customer needs (product-categories.yaml `described`) on public bank
// queries: every banking77 query and English bank FAQ question the description takes for a kind is printed with its
// own label, so staff can see whether the word families hold what the kind is and nothing else.
//   npx tsx bench/check-described-kinds.ts
import { readFileSync } from 'node:fs';
import { describedKind } from '../src/understanding/discussed-product.js';
import { productCategories } from '../src/understanding/understanding-data.js';

const benchmarks = new URL('../../shared/benchmarks/', import.meta.url);
const read = (path: string): Record<string, string>[] =>
  readFileSync(new URL(path, benchmarks), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Record<string, string>);

const queries = [
  ...read('banking77/test_full.jsonl').map((row) => ({ text: row.text ?? '', label: `banking77:${row.intent}` })),
  ...read('english_bank_faq/kb.jsonl').map((row) => ({ text: row.question ?? '', label: `faq:${row.category}` })),
];
// The sample base's offer: a consumer loan and deposits, no home loan.
const products = [{ name: 'Lanhai Salary Easy Loan' }, { name: 'Lanhai Large-Denomination CD' }];
const taken = new Map<string, number>();
for (const query of queries) {
  const kind = describedKind(query.text, products, 'en');
  if (!kind) continue;
  taken.set(query.label, (taken.get(query.label) ?? 0) + 1);
  console.log(`${kind}\t${query.label}\t${query.text.slice(0, 140)}`);
}
console.log(`\n${queries.length} queries; taken for a kind by label:`, Object.fromEntries(taken));

// Recall, roughly: the queries that name a described kind ("my mortgage payment"), with the name taken out, told by
// their needs alone.
for (const category of productCategories().categories.filter((each) => each.described)) {
  const names = new RegExp(`\\b(?:${category.words.en.join('|')})s?\\b`, 'giu');
  const naming = queries.filter((query) => names.test(query.text) && (names.lastIndex = 0) === 0);
  const told = naming.filter((query) => describedKind(query.text.replace(names, 'it'), products, 'en'));
  console.log(`${category.id}: ${told.length}/${naming.length} queries naming it are told by their needs without the name`);
  for (const query of naming) console.log(`  ${told.includes(query) ? '+' : '-'} ${query.label}\t${query.text.slice(0, 120)}`);
}
