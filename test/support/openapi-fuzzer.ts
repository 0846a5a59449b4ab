import { Agent, request as httpRequest } from 'node:http';
import fc from 'fast-check';

/*
 * Requests generated from the service's own OpenAPI document: for every operation, path parameters, query strings,
 * headers and bodies built from its schemas, then bent (wrong types, hostile strings, raw bytes, wrong content
 * types, bad keys). Used by test/http/openapi-fuzz.test.ts (a few hundred requests) and bench/fuzz-bench.ts (ten
 * thousand and more).
 */

type Schema = Record<string, unknown>;
interface Operation {
  parameters?: { in: string; name: string; required?: boolean; schema?: Schema }[];
  requestBody?: { content: Record<string, { schema?: Schema }> };
  description?: string;
  security?: unknown[];
}
export interface OpenapiLike {
  paths: Record<string, Record<string, Operation>>;
}

export type Role = 'agent' | 'knowledge_owner' | 'compliance' | 'admin';

export interface FuzzContext {
  /** A key per role, for requests that should get past authentication. */
  keys: Record<Role, string>;
  /**
   * Ids that exist, by the collection they live in (`conversations`, `documents`, `suggestions`, `keys`), so generated
   * requests reach the handlers; `<collection>:<last path segment>` overrides it for one operation (`conversations:end`).
   */
  knownIds: Record<string, string[]>;
}

export interface FuzzRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: Buffer;
  /** The OpenAPI operation, as `METHOD /path/{id}`, for reports. */
  operation: string;
}

export interface FuzzResult {
  status: number;
  contentType: string;
  /** No complete answer within the bound (no headers, or a non-streaming body that never ended). */
  hung: boolean;
  /** The client could not send it (Node refuses some header values): not counted as a request. */
  unsendable?: string;
  body: string;
}

/** Strings that broke or could break something: NUL, lone surrogates, bidi marks, injections, huge and odd numbers. */
export const hostileStrings = [
  '',
  ' ',
  '\u0000',
  'a\u0000b',
  '\uD800',
  'x\uDC00y',
  '\uDBFF',
  '\u202E\u200F\u2066反向\u2069',
  '😀𠮷',
  '\uFFFD\uFEFF',
  '\r\n\t\u000B\u001F\u007F',
  "'; drop table conversations; --",
  '../../../../etc/passwd',
  '<script>alert(1)</script>',
  '${jndi:ldap://x}',
  '%00%ED%A0%80',
  '0000-01-01',
  '0000-01-01T00:00:00Z',
  '9999-12-31T23:59:59-14:00',
  '+275760-09-13T00:00:00Z',
  '2025-02-30',
  '2147483648',
  '-1',
  '1e308',
  'NaN',
  'null',
  '{}',
  '[]',
  'x'.repeat(70_000),
  '保本保收益'.repeat(5_000),
];

/** Document bodies that once reached Postgres or blocked the server: deep HTML, escaped NULs in JSONL, one-word FAQs. */
const hostileDocumentBodies = [
  '<div>'.repeat(3_000) + '年费' + '</div>'.repeat(3_000),
  '<div>'.repeat(101) + '年费' + '</div>'.repeat(101),
  '{"id":"1","question":"q\\u0000","answer":"\\ud800"}',
  'id,question,answer\n1,' + 'q'.repeat(3_000) + ',a',
  '---\ntitle: "x\\0y"\neffectiveFrom: 0000-01-01\n---\n# t\n\nbody',
  '%PDF-1.4 truncated',
];

/** Raw path or query segments, already percent-encoded, including invalid UTF-8 and a NUL. */
const hostileSegments = ['%00', '%ED%A0%80', '%FF%FE', '%', '%ZZ', '..', '.', 'a'.repeat(5_000), '00000000-0000-0000-0000-000000000000', '2147483648', '-1', '1e3', '0x10', '%20', '%E4%BF%9D'];

const hostileString = fc.constantFrom(...hostileStrings);
const anyText = fc.oneof(fc.string({ maxLength: 40 }), fc.string({ unit: 'binary', maxLength: 40 }), hostileString);

function validDate(format: string): fc.Arbitrary<string> {
  return fc.date({ min: new Date('1900-01-02T00:00:00Z'), max: new Date('9999-12-30T00:00:00Z'), noInvalidDate: true }).map((date) => (format === 'date' ? date.toISOString().slice(0, 10) : date.toISOString()));
}

function dateArbitrary(format: string): fc.Arbitrary<string> {
  return fc.oneof(validDate(format), hostileString);
}

/** A value for a JSON schema, mostly valid, sometimes of the wrong type or hostile, nesting bounded by `depth`. */
export function valueFor(schema: Schema | undefined, context: FuzzContext, depth = 0, mode: Mode = 'hostile'): fc.Arbitrary<unknown> {
  if (mode === 'valid') return validValueFor(schema, context, depth, mode);
  const wrong = fc.oneof(fc.jsonValue({ maxDepth: 2 }), hostileString, fc.constantFrom(null, true, 0, -1, 1.5, 2_147_483_648, 1e308, [], {}));
  const valid = validValueFor(schema, context, depth, mode);
  return fc.oneof({ arbitrary: valid, weight: 6 }, { arbitrary: wrong, weight: 1 });
}

/**
 * 'valid' requests follow the schemas (to reach the handlers' logic); 'mutant' ones are valid but for one point
 * (one body value or key, or one path segment), so a bad value reaches the code behind validation; 'hostile' ones
 * bend everything at once.
 */
type Mode = 'valid' | 'mutant' | 'hostile';

type JsonPath = (string | number)[];

function jsonPaths(value: unknown, path: JsonPath = [], into: JsonPath[] = []): JsonPath[] {
  into.push(path);
  if (Array.isArray(value)) value.forEach((item, index) => jsonPaths(item, [...path, index], into));
  else if (value !== null && typeof value === 'object') for (const [key, item] of Object.entries(value)) jsonPaths(item, [...path, key], into);
  return into;
}

function replaceAt(value: unknown, path: JsonPath, replacement: unknown): unknown {
  if (path.length === 0) return replacement;
  const [head, ...rest] = path;
  if (Array.isArray(value)) return value.map((item, index) => (index === head ? replaceAt(item, rest, replacement) : item));
  const record = value as Record<string, unknown>;
  return { ...record, [head!]: replaceAt(record[head!], rest, replacement) };
}

const deepObject = (depth: number): unknown => (depth === 0 ? 'leaf' : { nested: deepObject(depth - 1) });
const pointReplacement = fc.oneof(
  { arbitrary: hostileString, weight: 5 },
  { arbitrary: fc.constantFrom<unknown>(null, true, 0, -1, 1.5, 2_147_483_648, -2_147_483_649, 1e308, [], {}, ['\u0000'], { '\u0000': 1 }, deepObject(70)), weight: 2 },
);

/** A valid value with exactly one point changed: a value replaced, or a hostile key added to an object. */
function mutateOnce(valid: fc.Arbitrary<unknown>): fc.Arbitrary<unknown> {
  return valid.chain((value) => {
    const paths = jsonPaths(value);
    return fc.tuple(fc.nat({ max: paths.length - 1 }), pointReplacement, fc.constantFrom('\u0000', '\uD800', 'a\u0000b', '__proto__', 'constructor'), fc.boolean()).map(([index, replacement, key, asKey]) => {
      const path = paths[index]!;
      const target = path.reduce<unknown>((node, step) => (node as Record<string | number, unknown>)[step], value);
      if (asKey && target !== null && typeof target === 'object' && !Array.isArray(target)) return replaceAt(value, path, { ...(target as object), [key]: 'x' });
      return replaceAt(value, path, replacement);
    });
  });
}

function validValueFor(schema: Schema | undefined, context: FuzzContext, depth: number, mode: Mode = 'hostile'): fc.Arbitrary<unknown> {
  if (!schema || depth > 4) return fc.jsonValue({ maxDepth: 2 });
  const variants = (schema.anyOf ?? schema.oneOf) as Schema[] | undefined;
  if (Array.isArray(variants) && variants.length > 0) return fc.oneof(...variants.map((variant) => validValueFor(variant, context, depth, mode)));
  if (Array.isArray(schema.enum) && schema.enum.length > 0) return fc.constantFrom(...schema.enum);
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  switch (type) {
    case 'string': {
      if (schema.format === 'uuid') {
        const known = (typeof schema['x-collection'] === 'string' ? context.knownIds[schema['x-collection']] : undefined) ?? Object.values(context.knownIds).flat();
        return known.length > 0 ? fc.oneof({ arbitrary: fc.constantFrom(...known), weight: 3 }, { arbitrary: fc.uuid(), weight: 1 }) : fc.uuid();
      }
      if (schema.format === 'date' || schema.format === 'date-time') return mode === 'valid' ? validDate(schema.format) : dateArbitrary(schema.format);
      const maximum = typeof schema.maxLength === 'number' ? Math.min(schema.maxLength, 200) : 200;
      return fc.oneof(fc.string({ minLength: 1, maxLength: maximum }), fc.string({ unit: 'binary', minLength: 1, maxLength: maximum }), fc.constantFrom('金卡年费每年200元，满6次免年费。', '这款理财保本保收益', 'guaranteed 8% return, cannot lose'));
    }
    case 'integer': {
      const minimum = typeof schema.minimum === 'number' ? schema.minimum : -1_000;
      const maximum = typeof schema.maximum === 'number' ? schema.maximum : 1_000;
      const low = Math.max(minimum, -2_147_483_648);
      const high = Math.min(maximum, 2_147_483_647);
      // Small values most of the time (versions 1-3 exist, limits of a few), the whole range sometimes.
      const inRange = fc.oneof(fc.integer({ min: low, max: Math.min(high, low + 3) }), fc.integer({ min: low, max: high }));
      return mode === 'valid' ? inRange : fc.oneof(inRange, fc.constantFrom(minimum - 1, maximum + 1));
    }
    case 'number':
      return fc.double({ noNaN: true, noDefaultInfinity: true });
    case 'boolean':
      return fc.boolean();
    case 'array': {
      const maximum = typeof schema.maxItems === 'number' ? Math.min(schema.maxItems, 4) : 4;
      return fc.array(valueFor(schema.items as Schema | undefined, context, depth + 1, mode), { maxLength: maximum });
    }
    case 'object': {
      const properties = (schema.properties ?? {}) as Record<string, Schema>;
      const required = (schema.required as string[] | undefined) ?? [];
      const field = (name: string, property: Schema) =>
        name === 'body' && mode === 'hostile' ? fc.oneof(valueFor(property, context, depth + 1, mode), fc.constantFrom(...hostileDocumentBodies)) : valueFor(property, context, depth + 1, mode);
      const record = fc.record(Object.fromEntries(Object.entries(properties).map(([name, property]) => [name, field(name, property)])), {
        requiredKeys: required.filter((name) => name in properties),
      });
      if (mode === 'valid') return record;
      // Unknown keys too, some hostile (NUL, lone surrogates, prototype names) as keys of objects.
      const extra = fc.dictionary(fc.oneof(fc.string({ maxLength: 8 }), fc.constantFrom('a\u0000', '\uD800', 'constructor', 'toString')), fc.jsonValue({ maxDepth: 1 }), { maxKeys: 2 });
      return fc.oneof({ arbitrary: record, weight: 5 }, { arbitrary: fc.tuple(record, extra).map(([known, unknown]) => ({ ...unknown, ...(known as object) })), weight: 1 });
    }
    default:
      return fc.jsonValue({ maxDepth: 2 });
  }
}

/** Percent-encodes a string as a URL segment, keeping lone surrogates (encodeURIComponent throws on them). */
function encodeSegment(value: string): string {
  return [...Buffer.from(value, 'utf8')].map((byte) => (/[A-Za-z0-9\-._~]/.test(String.fromCharCode(byte)) ? String.fromCharCode(byte) : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`)).join('');
}

const deepJson = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);

/** A body: usually JSON from the schema, sometimes raw bytes that are not what the route expects. */
function bodyFor(schema: Schema | undefined, context: FuzzContext): fc.Arbitrary<{ body?: Buffer; contentType?: string }> {
  const json = (value: unknown) => ({ body: Buffer.from(JSON.stringify(value) ?? 'null'), contentType: 'application/json' });
  const raw = fc.constantFrom<{ body?: Buffer; contentType?: string }>(
    { body: Buffer.from(deepJson(5_000)), contentType: 'application/json' },
    { body: Buffer.from(`{"a":${deepJson(70)}}`), contentType: 'application/json' },
    { body: Buffer.from('{"text":"unterminated'), contentType: 'application/json' },
    { body: Buffer.from('{"text":"\\ud800","title":"\\u0000"}'), contentType: 'application/json' },
    { body: Buffer.from([0x7b, 0x22, 0x74, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0xc3, 0x28, 0x22, 0x7d]), contentType: 'application/json' },
    { body: Buffer.from('1e99999'), contentType: 'application/json' },
    { body: Buffer.from('{"__proto__":{"admin":true}}'), contentType: 'application/json' },
    { body: Buffer.from(''), contentType: 'application/json' },
    { body: Buffer.from('null'), contentType: 'application/json' },
    { body: Buffer.from('<xml/>'), contentType: 'application/xml' },
    { body: Buffer.from('text'), contentType: 'text/plain' },
    { body: Buffer.from('--x\r\n\r\n'), contentType: 'multipart/form-data' },
    { body: Buffer.from('--x\r\nContent-Disposition: form-data; name="file"; filename="a.txt"\r\n\r\nabc'), contentType: 'multipart/form-data; boundary=x' },
    { body: Buffer.from('--x\r\nContent-Disposition: form-data; name="file"; filename="a.txt"\r\n\r\n\u0000\uD800abc\r\n--x--\r\n'), contentType: 'multipart/form-data; boundary=x' },
    { body: Buffer.from('{}'), contentType: 'application/json; charset=latin1' },
    { body: Buffer.from('{}') },
    {},
  );
  return fc.oneof({ arbitrary: valueFor(schema, context).map(json), weight: 8 }, { arbitrary: raw, weight: 2 });
}

/** A key holding a role the operation's description names (any key when it needs none or any role). */
function rightKey(operation: Operation, context: FuzzContext): fc.Arbitrary<string | undefined> {
  const roles = /with the role ([\w ]+?)(?: \(|\.)/.exec(operation.description ?? '')?.[1]?.split(' or ') as Role[] | undefined;
  return fc.constantFrom(...(roles && roles.length > 0 ? roles : (Object.keys(context.keys) as Role[])).map((role) => `Bearer ${context.keys[role]}`));
}

function authorization(operation: Operation, context: FuzzContext): fc.Arbitrary<string | undefined> {
  const right = rightKey(operation, context);
  const other = fc.constantFrom(...Object.values(context.keys).map((key) => `Bearer ${key}`));
  const bad = fc.constantFrom(undefined, '', 'Bearer', 'Bearer ', 'Basic dXNlcjpwYXNz', 'Bearer aa_not-a-real-key', `Bearer ${'k'.repeat(8_000)}`, 'Bearer a b', 'bearer \u00e9\u00e8');
  return fc.oneof({ arbitrary: right, weight: 7 }, { arbitrary: other, weight: 1 }, { arbitrary: bad, weight: 2 });
}

/** Every operation of the document as an arbitrary of concrete requests. */
export function requestArbitraries(document: OpenapiLike, context: FuzzContext): fc.Arbitrary<FuzzRequest>[] {
  const arbitraries: fc.Arbitrary<FuzzRequest>[] = [];
  for (const [path, methods] of Object.entries(document.paths)) {
    for (const [method, operation] of Object.entries(methods)) {
      arbitraries.push(
        fc.oneof(
          { arbitrary: operationArbitrary(method, path, operation, context, 'valid'), weight: 2 },
          { arbitrary: operationArbitrary(method, path, operation, context, 'mutant'), weight: 3 },
          { arbitrary: operationArbitrary(method, path, operation, context, 'hostile'), weight: 2 },
        ),
      );
    }
  }
  return arbitraries;
}

function operationArbitrary(method: string, path: string, operation: Operation, context: FuzzContext, mode: Mode): fc.Arbitrary<FuzzRequest> {
  const parameters = operation.parameters ?? [];
  const pathParameters = parameters.filter((parameter) => parameter.in === 'path');
  const queryParameters = parameters.filter((parameter) => parameter.in === 'query');
  const headerParameters = parameters.filter((parameter) => parameter.in === 'header');
  const segment = (schema: Schema | undefined) =>
    mode !== 'hostile'
      ? validValueFor(schema, context, 0, 'valid').map((value) => encodeSegment(String(value)))
      : fc.oneof(
          { arbitrary: validValueFor(schema, context, 0).map((value) => encodeSegment(String(value))), weight: 6 },
          { arbitrary: fc.constantFrom(...hostileSegments), weight: 2 },
          { arbitrary: anyText.filter((text) => text.length > 0).map(encodeSegment), weight: 1 },
        );
  // An `{id}` takes ids of the collection named just before it (`/v1/conversations/{id}` -> conversations).
  const collection = (name: string) => /\/([a-z]+)\/\{[^}]+\}(?:\/[^{]*)?$/.exec(path.slice(0, path.indexOf(`{${name}}`) + name.length + 2))?.[1];
  const lastSegment = path.split('/').pop() ?? '';
  const collectionFor = (name: string) => {
    const found = collection(name);
    return found && context.knownIds[`${found}:${lastSegment}`] ? `${found}:${lastSegment}` : found;
  };
  const pathArbitrary = fc
    .tuple(...pathParameters.map((parameter) => segment({ ...parameter.schema, 'x-collection': collectionFor(parameter.name) })))
    .map((values) => pathParameters.reduce((url, parameter, index) => url.replace(`{${parameter.name}}`, values[index]!), path));
  const queryArbitrary = fc
    .tuple(
      ...queryParameters.map((parameter) =>
        fc.option(
          mode !== 'hostile'
            ? validValueFor(parameter.schema, context, 0, 'valid').map((value) => encodeSegment(String(value)))
            : fc.oneof(
                { arbitrary: validValueFor(parameter.schema, context, 0).map((value) => encodeSegment(String(value))), weight: 6 },
                { arbitrary: fc.constantFrom(...hostileSegments), weight: 2 },
                { arbitrary: anyText.map(encodeSegment), weight: 1 },
              ),
          { freq: 2 },
        ),
      ),
      mode !== 'hostile' ? fc.constant(null) : fc.option(fc.constantFrom('limit=1&limit=2', 'unknown=1', 'cursor[]=a', '%00=%00', '=', '&&&', 'a=%'), { freq: 4 }),
    )
    .map((values) => {
      const pairs = queryParameters.flatMap((parameter, index) => (values[index] === null || values[index] === undefined ? [] : [`${parameter.name}=${values[index] as string}`]));
      const extra = values[queryParameters.length] as string | null;
      if (extra) pairs.push(extra);
      return pairs.length > 0 ? `?${pairs.join('&')}` : '';
    });
  const headerArbitrary = fc.record({
    authorization: mode !== 'hostile' ? rightKey(operation, context) : authorization(operation, context),
    accept: fc.constantFrom(undefined, 'application/json', 'text/event-stream', '*/*', 'text/html'),
    requestId: fc.constantFrom(undefined, 'req-1', 'x'.repeat(500), '%00'),
    extra: fc.tuple(...headerParameters.map(() => fc.oneof(fc.integer({ min: -5, max: 5 }).map(String), fc.constantFrom('0', '2147483648', '1e3', 'abc', '-1', '')))),
  });
  const content = operation.requestBody?.content ?? {};
  const jsonSchema = content['application/json']?.schema;
  const asJson = (value: unknown) => ({ body: Buffer.from(JSON.stringify(value) ?? 'null'), contentType: 'application/json' });
  const bodyArbitrary =
    mode !== 'hostile'
      ? operation.requestBody
        ? (mode === 'valid' ? validValueFor(jsonSchema, context, 0, 'valid') : mutateOnce(validValueFor(jsonSchema, context, 0, 'valid'))).map(asJson)
        : fc.constant<{ body?: Buffer; contentType?: string }>({})
      : operation.requestBody
        ? bodyFor(jsonSchema, context)
        : fc.oneof({ arbitrary: fc.constant<{ body?: Buffer; contentType?: string }>({}), weight: 9 }, { arbitrary: bodyFor(undefined, context), weight: 1 });
  // A mutant without a body has its one bad point in a path segment instead.
  const mutantPath =
    mode === 'mutant' && !operation.requestBody && pathParameters.length > 0
      ? fc
          .tuple(pathArbitrary, fc.nat({ max: pathParameters.length - 1 }), fc.oneof(fc.constantFrom(...hostileSegments), hostileString.map(encodeSegment)))
          .map(([, index, bad]) => pathParameters.reduce((url, parameter, position) => (position === index ? url.replace(`{${parameter.name}}`, bad) : url), path))
      : undefined;
  const pathWithMutation = mutantPath
    ? fc.tuple(pathArbitrary, mutantPath).map(([valid, mutated]) => {
        // Keep the valid values of the other segments.
        const validSegments = valid.split('/');
        return mutated
          .split('/')
          .map((segmentText, index) => (segmentText.startsWith('{') ? (validSegments[index] ?? segmentText) : segmentText))
          .join('/');
      })
    : pathArbitrary;
  return fc.record({ url: pathWithMutation, query: queryArbitrary, headers: headerArbitrary, body: bodyArbitrary }).map(({ url, query, headers, body }) => {
    const requestHeaders: Record<string, string> = {};
    if (headers.authorization !== undefined) requestHeaders.authorization = headers.authorization;
    if (headers.accept) requestHeaders.accept = headers.accept;
    if (headers.requestId) requestHeaders['x-request-id'] = headers.requestId;
    headerParameters.forEach((parameter, index) => {
      requestHeaders[parameter.name] = headers.extra[index]!;
    });
    if (body.contentType) requestHeaders['content-type'] = body.contentType;
    return { method: method.toUpperCase(), path: `${url}${query}`, headers: requestHeaders, ...(body.body ? { body: body.body } : {}), operation: `${method.toUpperCase()} ${path}` };
  });
}

/**
 * Sends one request and waits at most `boundMs` for a complete answer. A text/event-stream 200 is complete once its
 * headers arrived (the stream stays open by design); it is then closed.
 */
export function sendFuzzRequest(base: URL, fuzz: FuzzRequest, boundMs: number, agent?: Agent): Promise<FuzzResult> {
  return new Promise((resolve) => {
    let settled = false;
    const finish = (result: FuzzResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(result);
    };
    let status = 0;
    let contentType = '';
    let request: ReturnType<typeof httpRequest>;
    try {
      request = httpRequest({ host: base.hostname, port: base.port, method: fuzz.method, path: fuzz.path, headers: { ...fuzz.headers, ...(fuzz.body ? { 'content-length': String(fuzz.body.length) } : {}) }, ...(agent ? { agent } : {}) }, (response) => {
        status = response.statusCode ?? 0;
        contentType = String(response.headers['content-type'] ?? '');
        if (status === 200 && contentType.startsWith('text/event-stream')) {
          response.destroy();
          request.destroy();
          finish({ status, contentType, hung: false, body: '' });
          return;
        }
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => finish({ status, contentType, hung: false, body: Buffer.concat(chunks).toString('utf8').slice(0, 2_000) }));
        response.on('error', () => finish({ status, contentType, hung: false, body: '' }));
      });
    } catch (error) {
      resolve({ status: 0, contentType: '', hung: false, unsendable: error instanceof Error ? error.message : String(error), body: '' });
      return;
    }
    const timer = setTimeout(() => {
      request.destroy();
      finish({ status, contentType, hung: true, body: '' });
    }, boundMs);
    request.on('error', (error) => {
      if (!settled) finish({ status, contentType, hung: false, unsendable: error.message, body: '' });
    });
    if (fuzz.body) request.write(fuzz.body);
    request.end();
  });
}

/** Runs requests with a few in flight, returning each result beside its request. */
export async function runFuzzRequests(base: URL, requests: readonly FuzzRequest[], options: { boundMs: number; concurrency: number }): Promise<{ request: FuzzRequest; result: FuzzResult }[]> {
  const agent = new Agent({ keepAlive: true, maxSockets: options.concurrency });
  const outcomes: { request: FuzzRequest; result: FuzzResult }[] = new Array(requests.length);
  let next = 0;
  const worker = async () => {
    while (next < requests.length) {
      const index = next;
      next += 1;
      outcomes[index] = { request: requests[index]!, result: await sendFuzzRequest(base, requests[index]!, options.boundMs, agent) };
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, worker));
  agent.destroy();
  return outcomes;
}

/** Fixtures the fuzzer can aim at: keys of every role and ids that exist, so requests get past 401 and 404. */
export async function prepareFuzzContext(createKey: (role: Role) => Promise<string>, call: (method: string, url: string, key: string, body?: unknown) => Promise<{ status: number; json: unknown }>): Promise<FuzzContext> {
  const keys = { agent: await createKey('agent'), knowledge_owner: await createKey('knowledge_owner'), compliance: await createKey('compliance'), admin: await createKey('admin') };
  const document = await call('POST', '/v1/knowledge/documents', keys.admin, { title: '信用卡年费', kind: 'product', format: 'markdown', body: '# 年费\n金卡年费每年200元，当年刷卡满6次免次年年费。', externalId: 'fuzz-fee' });
  const conversation = await call('POST', '/v1/conversations', keys.admin, { customer: { riskLevel: 'C2' } });
  const conversationId = (conversation.json as { id: string }).id;
  await call('POST', `/v1/conversations/${conversationId}/turns`, keys.admin, { speaker: 'customer', text: '金卡年费多少？' });
  const suggestions = await call('POST', `/v1/conversations/${conversationId}/suggestions`, keys.admin, { n: 1 });
  const suggestionId = (suggestions.json as { suggestions?: { id: string }[] }).suggestions?.[0]?.id;
  const ended = await call('POST', '/v1/conversations', keys.admin, {});
  const endedId = (ended.json as { id: string }).id;
  await call('POST', `/v1/conversations/${endedId}/end`, keys.admin);
  // Ending is aimed at its own conversations, so the active one keeps taking turns for the whole run.
  const toEnd = await call('POST', '/v1/conversations', keys.admin, {});
  // A throwaway key, so DELETE /v1/keys/{id} can succeed without revoking the keys the fuzzer uses.
  const spare = await call('POST', '/v1/keys', keys.admin, { role: 'agent', name: 'fuzz spare' });
  const knownIds = {
    documents: [(document.json as { documentId: string }).documentId],
    conversations: [conversationId, endedId],
    'conversations:end': [endedId, (toEnd.json as { id: string }).id],
    suggestions: suggestionId ? [suggestionId] : [],
    keys: [(spare.json as { id: string }).id],
  };
  return { keys, knownIds };
}
