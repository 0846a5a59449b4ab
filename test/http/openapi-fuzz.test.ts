import type { AddressInfo } from 'node:net';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prepareFuzzContext, requestArbitraries, sendFuzzRequest, type FuzzContext, type OpenapiLike } from '../support/openapi-fuzzer.js';
import { createTestApp, type TestApp } from '../support/test-app.js';

/** Generous: a request that has not answered by then is stuck, not slow (this is no performance assertion). */
const hangBoundMs = 30_000;

describe('fuzzing every route of the OpenAPI document', () => {
  let testApp: TestApp;
  let base: URL;
  let context: FuzzContext;
  let document: OpenapiLike;

  beforeAll(async () => {
    testApp = await createTestApp();
    await testApp.app.listen({ port: 0, host: '127.0.0.1' });
    base = new URL(`http://127.0.0.1:${(testApp.app.server.address() as AddressInfo).port}`);
    document = testApp.app.swagger() as unknown as OpenapiLike;
    context = await prepareFuzzContext(
      async (role) => (await testApp.as(role)).authorization!.replace('Bearer ', ''),
      async (method, url, key, body) => {
        const response = await testApp.app.inject({ method: method as 'GET', url, headers: { authorization: `Bearer ${key}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) }, ...(body === undefined ? {} : { payload: JSON.stringify(body) }) });
        return { status: response.statusCode, json: response.json() };
      },
    );
  });
  afterAll(async () => {
    await testApp?.close();
  });

  it('generates requests for every operation', () => {
    const operations = Object.values(document.paths).flatMap((methods) => Object.keys(methods));
    expect(requestArbitraries(document, context)).toHaveLength(operations.length);
    expect(operations.length).toBeGreaterThanOrEqual(28);
  });

  it('never answers 5xx, never hangs, and every error is problem+json', async () => {
    const arbitraries = requestArbitraries(document, context);
    await fc.assert(
      fc.asyncProperty(fc.oneof(...arbitraries), async (request) => {
        const result = await sendFuzzRequest(base, request, hangBoundMs);
        if (result.unsendable) return; // Node's client refused it (e.g. a header value); nothing reached the server.
        const where = `${request.method} ${request.path.slice(0, 200)} -> ${result.status} ${result.body.slice(0, 300)}`;
        expect(result.hung, `hung: ${where}`).toBe(false);
        expect(result.status, where).toBeGreaterThanOrEqual(200);
        expect(result.status, where).toBeLessThan(500);
        if (result.status >= 400) expect(result.contentType, where).toContain('application/problem+json');
      }),
      { numRuns: 400 },
    );
  });
});
