import { fileURLToPath } from 'node:url';
import { createComplianceEngine, type ComplianceEngine } from '../../src/compliance/compliance-engine.js';
import { loadRulePacks } from '../../src/compliance/load-rule-packs.js';
import { ensureEmbeddingIndex } from '../../src/knowledge/embedding-index.js';
import { KnowledgeService } from '../../src/knowledge/knowledge-service.js';
import { createOfflineEmbedder } from '../../src/llm/offline-embedder.js';
import { PromptLibrary } from '../../src/llm/prompt-library.js';
import { HybridSearch, type SearchQuery, type SearchResponse } from '../../src/retrieval/hybrid-search.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

export const promptsDirectory = fileURLToPath(new URL('../../prompts/', import.meta.url));
export const rulesDirectory = fileURLToPath(new URL('../../evals/rules/', import.meta.url));

let engine: ComplianceEngine | undefined;
/** The real rule engine with the real rule packs: the guard is only as good as what it runs. */
export function ruleEngine(): ComplianceEngine {
  engine ??= createComplianceEngine({ packs: loadRulePacks(rulesDirectory) });
  return engine;
}

export const prompts = new PromptLibrary(promptsDirectory);

// Hand-written passages (not the sample knowledge base, which its owners may change): a fictional bank.
const documents = [
  `---
externalId: t-zh-script-wealth
title: 话术：理财风险揭示
kind: script
language: zh
---
# 话术：理财风险揭示

## 开场提示
“先跟您说明一下：理财不是存款，产品有风险，投资须谨慎。理财产品不保本，也不保证收益。”

## 客户追问会不会亏
“会有亏损的可能。产品净值会随市场波动，收益并不确定。您可以先看一下产品说明书中的风险揭示部分再决定。”
`,
  `---
externalId: t-zh-wm-wenying
title: 稳盈90天理财产品说明
kind: product
product: 稳盈90天
language: zh
---
# 稳盈90天理财产品说明

## 产品要素
稳盈90天是净值型理财产品，风险等级R2，投资期限90天。起购金额1万元。产品不保本，净值可能下跌。

## 赎回
产品到期后自动赎回，资金T+1日到账。
`,
  `---
externalId: t-zh-cc-fee
title: 信用卡年费说明
kind: product
product: 白金信用卡
language: zh
---
# 信用卡年费说明

## 年费标准
白金信用卡年费为每年600元。当年刷卡满十二次，可免次年年费。

## 年费减免
年费减免须在账单日前通过手机银行或客服热线申请，每年可申请一次。
`,
  `---
externalId: t-zh-script-lost-card
title: 话术：挂失补卡
kind: script
language: zh
---
# 话术：挂失补卡

## 客户说卡丢了
“我先帮您办理临时挂失，挂失后这张卡就不能再用了。”“补卡需要您本人携带身份证到任一网点办理，新卡工本费免收。”
`,
  `---
externalId: t-zh-procedure-transfer
title: 转账限额与到账时间
kind: product
language: zh
---
# 转账限额与到账时间

## 手机银行转账
手机银行转账单笔限额5万元，日累计限额20万元。跨行转账一般实时到账，最晚下一个工作日到账。
`,
  `---
externalId: t-en-script-fees
title: "Script: fee questions"
kind: script
language: en
---
# Script: fee questions

## Annual fee
"The Gold Credit Card has an annual fee of CNY 200, waived in the first year. If you make six purchases in a card year, next year's fee is waived."

## Cash advance
"A cash advance costs a 1% fee, at least CNY 10, plus interest from the day it posts."
`,
  `---
externalId: t-en-product-savings
title: Fixed-term deposits
kind: product
language: en
---
# Fixed-term deposits

## Rates
The one-year fixed-term deposit rate is 1.5% a year. Deposits are protected by the deposit insurance scheme up to CNY 500,000 per depositor.

## Early withdrawal
If you withdraw a fixed-term deposit early, the demand deposit rate applies to the whole amount.
`,
  `---
externalId: t-en-script-investment
title: "Script: investment risk"
kind: script
language: en
---
# Script: investment risk

## Before any fund or wealth product
"Before we go on: a wealth management product is not a deposit. It is not principal-protected and returns are not guaranteed."
`,
];

export interface KnowledgeFixture {
  search: (query: SearchQuery) => Promise<SearchResponse>;
  /** Every query the pipeline sent, to check it is one search per request. */
  readonly queries: SearchQuery[];
  close(): Promise<void>;
}

/** The real search: PGlite with pgvector, the knowledge service's ingest and the offline embedder. */
export async function createKnowledgeFixture(): Promise<KnowledgeFixture> {
  const testDatabase: TestDatabase = await createTestDatabase('pglite');
  const embedder = createOfflineEmbedder();
  await ensureEmbeddingIndex(testDatabase.database, embedder);
  const knowledge = new KnowledgeService(testDatabase.database, embedder);
  for (const body of documents) await knowledge.ingest({ format: 'markdown', body }, { id: 'test' });
  const hybrid = new HybridSearch(testDatabase.database, embedder);
  const queries: SearchQuery[] = [];
  return {
    queries,
    search(query) {
      queries.push(query);
      return hybrid.search(query);
    },
    close: () => testDatabase.close(),
  };
}
