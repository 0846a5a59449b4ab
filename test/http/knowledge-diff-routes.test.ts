import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/test-app.js';

// Our own product sheet, in two versions: a rate, a risk level and an effective date change.
const versionOne = `---
externalId: diff-deposit
title: 示例定期存款
kind: product
riskLevel: R1
effectiveFrom: 2027-01-01
effectiveUntil: 2027-12-31
---
# 示例定期存款

三年期年利率为2.75%。起存金额50元。

## 提前支取

提前支取按活期利率计息。
`;
const versionTwo = versionOne.replace('2.75%', '2.35%').replace('riskLevel: R1', 'riskLevel: R2').replace('effectiveFrom: 2027-01-01', 'effectiveFrom: 2027-03-01') + '\n## 到期\n\n到期自动转存。\n';

describe('version diffs and dates through the API (a business zone west of UTC)', () => {
  let testApp: TestApp;
  let owner: Record<string, string>;
  let agent: Record<string, string>;
  let documentId = '';
  let otherId = '';
  const get = (url: string, headers = agent) => testApp.app.inject({ method: 'GET', url, headers });

  beforeAll(async () => {
    testApp = await createTestApp({ environment: { BUSINESS_UTC_OFFSET: '-05:00' } });
    owner = await testApp.as('knowledge_owner');
    agent = await testApp.as('agent');
    const post = (body: string) => testApp.app.inject({ method: 'POST', url: '/v1/knowledge/documents', headers: owner, payload: { format: 'markdown', body } });
    documentId = (await post(versionOne)).json().documentId;
    expect((await post(versionTwo)).json().version).toBe(2);
    otherId = (await post('---\nexternalId: diff-other\ntitle: 另一个\n---\n另一份文件。')).json().documentId;
  });
  afterAll(async () => {
    await testApp?.close();
  });

  it('returns date-only effective dates as given, with the instants in the business zone, on every route', async () => {
    const document = (await get(`/v1/knowledge/documents/${documentId}`)).json();
    expect(document).toMatchObject({ effectiveFrom: '2027-03-01', effectiveUntil: '2027-12-31', effectiveFromAt: '2027-03-01T00:00:00-05:00', effectiveUntilAt: '2028-01-01T00:00:00-05:00' });
    expect(document.versions.map((version: { effectiveFrom: string }) => version.effectiveFrom)).toEqual(['2027-03-01', '2027-01-01']);
    const version = (await get(`/v1/knowledge/documents/${documentId}/versions/1`)).json();
    expect(version).toMatchObject({ effectiveFrom: '2027-01-01', effectiveUntil: '2027-12-31', effectiveFromAt: '2027-01-01T00:00:00-05:00' });
    const listed = (await get('/v1/knowledge/documents?q=diff-deposit')).json().items[0];
    expect(listed).toMatchObject({ effectiveFrom: '2027-03-01', effectiveUntil: '2027-12-31' });
  });

  it('searches as of a date from the start of that day in the business zone', async () => {
    const search = async (asOf: string) =>
      (await testApp.app.inject({ method: 'POST', url: '/v1/knowledge/search', headers: agent, payload: { query: '示例定期存款利率', asOf, topK: 5 } })).json().results as Array<{ documentId: string; version: number }>;
    const versionAt = async (asOf: string) => (await search(asOf)).find((result) => result.documentId === documentId)?.version;
    expect(await versionAt('2026-12-31')).toBeUndefined();
    expect(await versionAt('2027-01-01')).toBe(1);
    // 04:59 UTC on 1 January is still 31 December in New York; 05:00 is midnight there.
    expect(await versionAt('2027-01-01T04:59:00Z')).toBeUndefined();
    expect(await versionAt('2027-01-01T05:00:00Z')).toBe(1);
    expect(await versionAt('2027-02-28')).toBe(1);
    expect(await versionAt('2027-03-01')).toBe(2);
    expect(await versionAt('2027-12-31T23:00:00-05:00')).toBe(2);
    expect(await versionAt('2028-01-01')).toBeUndefined();
  });

  it('diffs two versions: sentences, metadata, rates and chunks', async () => {
    const response = await get(`/v1/knowledge/documents/${documentId}/diff?from=1&to=2`);
    expect(response.statusCode).toBe(200);
    const diff = response.json();
    expect(diff).toMatchObject({ documentId, externalId: 'diff-deposit', from: 1, to: 2, rates: { removed: ['2.75%'], added: ['2.35%'] } });
    expect(diff.metadata).toEqual(
      expect.arrayContaining([
        { field: 'riskLevel', from: 'R1', to: 'R2' },
        { field: 'effectiveFrom', from: '2027-01-01', to: '2027-03-01' },
      ]),
    );
    const changed = diff.text.changes.filter((change: { op: string }) => change.op !== 'unchanged');
    expect(changed).toEqual(
      expect.arrayContaining([
        { op: 'removed', text: '三年期年利率为2.75%。' },
        { op: 'added', text: '三年期年利率为2.35%。' },
        { op: 'added', text: '到期自动转存。' },
      ]),
    );
    expect(diff.text.changes).toContainEqual({ op: 'unchanged', text: '起存金额50元。' });
    expect(diff.chunks.changes.map((change: { change: string }) => change.change)).toEqual(expect.arrayContaining(['changed', 'added']));
    // Without parameters: the version before the current one against the current one.
    expect((await get(`/v1/knowledge/documents/${documentId}/diff`)).json()).toMatchObject({ from: 1, to: 2 });
  });

  it('names the parameter of a diff across documents, of an unknown version or of a malformed reference', async () => {
    const across = await get(`/v1/knowledge/documents/${documentId}/diff?from=${otherId}:1&to=2`);
    expect(across.statusCode).toBe(400);
    expect(across.json().type).toMatch(/different_documents$/);
    expect(across.json().errors).toEqual([expect.objectContaining({ field: 'query.from' })]);
    const unknown = await get(`/v1/knowledge/documents/${documentId}/diff?from=1&to=7`);
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().errors[0].field).toBe('query.to');
    const malformed = await get(`/v1/knowledge/documents/${documentId}/diff?from=latest`);
    expect(malformed.statusCode).toBe(400);
    expect(malformed.json().errors[0].field).toBe('query.from');
    expect((await get(`/v1/knowledge/documents/00000000-0000-4000-8000-000000000000/diff`)).statusCode).toBe(404);
  });
});
