import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/test-app.js';

/**
 * Inputs that once reached Postgres or a recursive walk and came back as 500s. Each must be a 400 (or 415) in
 * problem+json naming the field, across routes; the mechanism is shared (JSON parser, query/path hook, fields).
 */
describe('bad input is a 4xx naming the field, never a 500', () => {
  let testApp: TestApp;
  let admin: Record<string, string>;
  let conversationId: string;
  const missingDocument = '00000000-0000-4000-8000-000000000000';

  beforeAll(async () => {
    testApp = await createTestApp();
    admin = await testApp.as('admin');
    const created = await testApp.app.inject({ method: 'POST', url: '/v1/conversations', headers: { ...admin, 'content-type': 'application/json' }, payload: '{}' });
    conversationId = created.json<{ id: string }>().id;
  });
  afterAll(async () => {
    await testApp?.close();
  });

  const deepArray = '['.repeat(5_000) + ']'.repeat(5_000);
  const deepObject = '{"a":'.repeat(5_000) + '1' + '}'.repeat(5_000);
  const jsonCases: [string, string, string, string][] = [
    ['NUL in a metadata value', '/v1/conversations', '{"metadata":{"note":"x\\u0000y"}}', 'metadata.note'],
    ['NUL in a metadata key', '/v1/conversations', '{"metadata":{"a\\u0000":"y"}}', 'metadata.a\\u0000'],
    ['lone surrogate in metadata', '/v1/conversations', '{"metadata":{"a":"\\ud800"}}', 'metadata.a'],
    ['NUL in a loose customer field', '/v1/conversations', '{"customer":{"riskLevel":"C1","x":"\\u0000"}}', 'customer.x'],
    ['lone surrogate in externalId', '/v1/conversations', '{"externalId":"\\udfff"}', 'externalId'],
    ['5,000-deep array', '/v1/conversations', `{"metadata":{"a":${deepArray}}}`, 'body'],
    ['5,000-deep object', '/v1/conversations', `{"metadata":${deepObject}}`, 'body'],
    ['lone surrogate in a turn', '/v1/conversations/:conversation/turns', '{"speaker":"agent","text":"hi \\ud800"}', 'text'],
    ['NUL in a turnId', '/v1/conversations/:conversation/turns', '{"speaker":"agent","text":"hi","turnId":"a\\u0000"}', 'turnId'],
    ['year 0000 date', '/v1/conversations/:conversation/turns', '{"speaker":"agent","text":"hi","at":"0000-01-01"}', 'at'],
    ['NUL in a title', '/v1/knowledge/documents', '{"title":"t\\u0000","format":"text","body":"hello"}', 'title'],
    ['lone surrogate in a tag', '/v1/knowledge/documents', '{"title":"t","format":"text","body":"hello","tags":["a\\ud800"]}', 'tags.0'],
    ['year 0000 effectiveFrom', '/v1/knowledge/documents', '{"title":"t","format":"text","body":"hello","effectiveFrom":"0000-01-01"}', 'effectiveFrom'],
    ['NUL in a FAQ row', '/v1/knowledge/documents', '{"format":"csv","body":"id,question,answer\\n1,q\\u0000,a"}', 'body'],
    ['year 0000 asOf', '/v1/knowledge/search', '{"query":"年费","asOf":"0000-01-01"}', 'asOf'],
    ['NUL in an inline suite', '/v1/evals/runs', '{"suite":{"name":"x\\u0000","cases":[]}}', 'suite.name'],
    ['NUL in compliance context', '/v1/compliance/check', '{"text":"hi","context":[{"speaker":"agent","text":"\\u0000"}]}', 'context.0.text'],
    ['year 0000 callEndedAt', '/v1/summaries', '{"callEndedAt":"0000-01-01T00:00:00Z","turns":[{"speaker":"agent","text":"hi"}]}', 'callEndedAt'],
    ['NUL in a key name', '/v1/keys', '{"role":"agent","name":"a\\u0000"}', 'name'],
  ];

  it.each(jsonCases)('%s', async (_name, url, payload, field) => {
    const response = await testApp.app.inject({ method: 'POST', url: url.replace(':conversation', conversationId), headers: { ...admin, 'content-type': 'application/json' }, payload });
    expect(response.statusCode, response.body).toBe(400);
    expect(response.headers['content-type']).toContain('application/problem+json');
    expect(response.json<{ errors: { field: string }[] }>().errors.map((error) => error.field)).toContain(field);
  });

  const queryCases: [string, string, string][] = [
    ['NUL in a query string', '/v1/knowledge/documents?q=a%00b', 'query.q'],
    ['NUL in a list cursor', '/v1/knowledge/documents?cursor=a%00b', 'query.cursor'],
    ['a version past int4', `/v1/knowledge/documents/${missingDocument}/versions/2147483648`, 'params.version'],
    ['a version in exponent notation', `/v1/knowledge/documents/${missingDocument}/versions/1e3`, 'params.version'],
    ['NUL in a path id', '/v1/knowledge/documents/%00', 'params.id'],
    ['a garbage audit cursor', '/v1/audit/suggestions?cursor=garbage', 'query.cursor'],
    ['an audit cursor of the right shape with bad parts', '/v1/audit/suggestions?cursor=x%7Cy', 'query.cursor'],
    ['year 0000 in an audit range', '/v1/audit/suggestions?from=0000-01-01', 'query.from'],
    ['a garbage eval-run cursor', '/v1/evals/runs?cursor=garbage', 'query.cursor'],
    ['an eval-run cursor with year 0000', `/v1/evals/runs?cursor=${Buffer.from('0000-01-01T00:00:00.000Z|00000000-0000-4000-8000-000000000000').toString('base64url')}`, 'query.cursor'],
  ];

  it.each(queryCases)('%s', async (_name, url, field) => {
    const response = await testApp.app.inject({ method: 'GET', url, headers: admin });
    expect(response.statusCode, response.body).toBe(400);
    expect(response.json<{ errors: { field: string }[] }>().errors.map((error) => error.field)).toContain(field);
  });

  it('a version within int4 that does not exist is a 404, not a database error', async () => {
    const response = await testApp.app.inject({ method: 'GET', url: `/v1/knowledge/documents/${missingDocument}/versions/2147483647`, headers: admin });
    expect(response.statusCode).toBe(404);
  });

  it('multipart without a boundary, or truncated, is a 400 naming the part at fault', async () => {
    const noBoundary = await testApp.app.inject({ method: 'POST', url: '/v1/knowledge/documents', headers: { ...admin, 'content-type': 'multipart/form-data' }, payload: '--x\r\n\r\n' });
    expect(noBoundary.statusCode).toBe(400);
    expect(noBoundary.json<{ errors: { field: string }[] }>().errors[0]?.field).toBe('content-type');
    const truncated = await testApp.app.inject({
      method: 'POST',
      url: '/v1/knowledge/documents',
      headers: { ...admin, 'content-type': 'multipart/form-data; boundary=x' },
      payload: '--x\r\nContent-Disposition: form-data; name="file"; filename="a.txt"\r\n\r\nhello',
    });
    expect(truncated.statusCode).toBe(400);
    expect(truncated.json<{ errors: { field: string }[] }>().errors[0]?.field).toBe('body');
  });

  it('a NUL in a multipart field is refused like in JSON', async () => {
    const body = ['--x', 'Content-Disposition: form-data; name="title"', '', 'a\u0000b', '--x', 'Content-Disposition: form-data; name="file"; filename="a.txt"', 'Content-Type: text/plain', '', 'hello', '--x--', ''].join('\r\n');
    const response = await testApp.app.inject({ method: 'POST', url: '/v1/knowledge/documents', headers: { ...admin, 'content-type': 'multipart/form-data; boundary=x' }, payload: body });
    expect(response.statusCode, response.body).toBe(400);
    expect(response.json<{ errors: { field: string }[] }>().errors[0]?.field).toBe('title');
  });

  it('an unknown content type is a 415', async () => {
    const response = await testApp.app.inject({ method: 'POST', url: '/v1/knowledge/documents', headers: { ...admin, 'content-type': 'application/xml' }, payload: '<a/>' });
    expect(response.statusCode).toBe(415);
    expect(response.headers['content-type']).toContain('application/problem+json');
  });

  it('prototype poisoning is still refused by the JSON parser', async () => {
    const response = await testApp.app.inject({ method: 'POST', url: '/v1/conversations', headers: { ...admin, 'content-type': 'application/json' }, payload: '{"metadata":{"__proto__":{"x":1}}}' });
    expect(response.statusCode).toBe(400);
  });

  it('well-formed text with astral characters, RTL marks and moderate nesting is accepted', async () => {
    const response = await testApp.app.inject({
      method: 'POST',
      url: '/v1/conversations',
      headers: { ...admin, 'content-type': 'application/json' },
      payload: JSON.stringify({ externalId: '客户😀\u200f', metadata: { a: { b: { c: [[['深']]] } } } }),
    });
    expect(response.statusCode, response.body).toBe(201);
  });
});
