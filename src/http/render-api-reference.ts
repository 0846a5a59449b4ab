/**
 * Renders the OpenAPI document as the repository's API reference (docs/api.md), after a hand-written
 * introduction. Pure: the same document always gives the same text, so a test can tell when docs/api.md is stale.
 */

type Schema = Record<string, unknown>;
type Operation = {
  summary?: string;
  description?: string;
  tags?: string[];
  parameters?: { in: string; name: string; required?: boolean; schema?: Schema; description?: string }[];
  requestBody?: { content: Record<string, { schema?: Schema; example?: unknown }> };
  responses?: Record<string, { description?: string; content?: Record<string, { schema?: Schema; example?: unknown }>; headers?: Record<string, unknown> }>;
  security?: unknown[];
};
export interface OpenapiDocument {
  info?: { title?: string; version?: string };
  tags?: { name: string; description?: string }[];
  paths: Record<string, Record<string, Operation>>;
  components?: { schemas?: Record<string, Schema> };
}

const methodOrder = ['get', 'post', 'put', 'patch', 'delete'];

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n+/g, ' ');
}

/** A short type for a table cell: `string (uuid)`, `"zh" \| "en"`, `string[]`, `object`. */
export function describeType(schema: Schema | undefined): string {
  if (!schema) return 'any';
  if (typeof schema.$ref === 'string') return schema.$ref.split('/').pop() ?? 'object';
  if (Array.isArray(schema.enum)) return schema.enum.map((value) => JSON.stringify(value)).join(' | ');
  if (schema.const !== undefined) return JSON.stringify(schema.const);
  const variants = (schema.anyOf ?? schema.oneOf) as Schema[] | undefined;
  if (Array.isArray(variants)) return [...new Set(variants.map((variant) => describeType(variant)))].join(' or ');
  const type = Array.isArray(schema.type) ? schema.type.join(' or ') : (schema.type as string | undefined);
  if (type === 'array') return `${describeType(schema.items as Schema | undefined)}[]`;
  if (type === 'string' && typeof schema.format === 'string') return `string (${schema.format})`;
  if (type === 'object' && schema.additionalProperties && typeof schema.additionalProperties === 'object' && !schema.properties) return `object of ${describeType(schema.additionalProperties as Schema)}`;
  return type ?? 'any';
}

function constraints(schema: Schema): string {
  const parts: string[] = [];
  const range = (low: unknown, high: unknown, unit: string) => {
    if (low !== undefined && high !== undefined) parts.push(`${low}-${high}${unit}`);
    else if (low !== undefined) parts.push(`≥ ${low}${unit}`);
    else if (high !== undefined) parts.push(`≤ ${high}${unit}`);
  };
  range(schema.minLength, schema.maxLength, ' chars');
  range(schema.minimum, schema.maximum, '');
  range(schema.minItems, schema.maxItems, ' items');
  if (schema.default !== undefined) parts.push(`default ${JSON.stringify(schema.default)}`);
  return parts.join(', ');
}

/** Rows for a field table: top-level properties, and properties of nested objects as `parent.child` (two levels). */
function fieldRows(schema: Schema | undefined, prefix = '', depth = 0): string[] {
  if (!schema) return [];
  const variants = (schema.anyOf ?? schema.oneOf) as Schema[] | undefined;
  if (!schema.properties && Array.isArray(variants)) return variants.flatMap((variant) => fieldRows(variant, prefix, depth));
  const properties = schema.properties as Record<string, Schema> | undefined;
  if (!properties) return [];
  const required = new Set((schema.required as string[] | undefined) ?? []);
  const rows: string[] = [];
  for (const [name, property] of Object.entries(properties)) {
    const path = `${prefix}${name}`;
    const notes = [constraints(property), typeof property.description === 'string' ? property.description : ''].filter(Boolean).join('; ');
    rows.push(`| \`${path}\` | ${cell(describeType(property))} | ${required.has(name) ? 'yes' : ''} | ${cell(notes)} |`);
    if (depth < 1) {
      const nested = property.type === 'array' ? (property.items as Schema | undefined) : property;
      rows.push(...fieldRows(nested, property.type === 'array' ? `${path}[].` : `${path}.`, depth + 1));
    }
  }
  return [...new Set(rows)];
}

function fieldTable(schema: Schema | undefined): string[] {
  const rows = fieldRows(schema);
  return rows.length === 0 ? [] : ['| field | type | required | notes |', '| --- | --- | --- | --- |', ...rows, ''];
}

function example(value: unknown, language = 'json'): string[] {
  if (value === undefined) return [];
  const text = typeof value === 'string' ? value : JSON.stringify(value, null, 2);
  return [`\`\`\`${language}`, text.trimEnd(), '```', ''];
}

function access(operation: Operation): string {
  const match = /Needs an API key.*$|No API key needed\./m.exec(operation.description ?? '');
  return match ? match[0] : 'Needs an API key.';
}

function anchor(method: string, path: string): string {
  return `${method}-${path}`.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
}

function renderOperation(method: string, path: string, operation: Operation): string[] {
  const lines: string[] = [`<a id="${anchor(method, path)}"></a>`, `### \`${method.toUpperCase()} ${path}\``, '', `**${operation.summary ?? ''}**`, ''];
  if (operation.description) lines.push(operation.description, '');
  for (const place of ['path', 'query', 'header']) {
    const parameters = (operation.parameters ?? []).filter((parameter) => parameter.in === place);
    if (parameters.length === 0) continue;
    lines.push(`${place === 'path' ? 'Path' : place === 'query' ? 'Query' : 'Header'} parameters:`, '', '| name | type | required | notes |', '| --- | --- | --- | --- |');
    for (const parameter of parameters) {
      const schema = parameter.schema ?? {};
      const notes = [constraints(schema), parameter.description ?? (typeof schema.description === 'string' ? schema.description : '')].filter(Boolean).join('; ');
      lines.push(`| \`${parameter.name}\` | ${cell(describeType(schema))} | ${parameter.required ? 'yes' : ''} | ${cell(notes)} |`);
    }
    lines.push('');
  }
  if (operation.requestBody) {
    for (const [type, media] of Object.entries(operation.requestBody.content)) {
      lines.push(`Request body (\`${type}\`):`, '', ...fieldTable(media.schema));
      lines.push(...example(media.example));
    }
  }
  lines.push('Responses:', '', '| status | content | meaning |', '| --- | --- | --- |');
  const statuses = Object.keys(operation.responses ?? {}).sort();
  for (const status of statuses) {
    const response = operation.responses![status]!;
    const types = Object.keys(response.content ?? {}).map((type) => `\`${type}\``).join(', ');
    const headers = Object.keys(response.headers ?? {}).map((name) => `\`${name}\` header`).join(', ');
    lines.push(`| ${status} | ${types || 'none'} | ${cell([response.description ?? '', headers ? `With ${headers}.` : ''].filter(Boolean).join(' '))} |`);
  }
  lines.push('');
  for (const status of statuses.filter((item) => item.startsWith('2'))) {
    const response = operation.responses![status]!;
    const json = response.content?.['application/json'];
    const fields = fieldTable(json?.schema);
    if (fields.length > 0) lines.push(`${status} body:`, '', ...fields);
    lines.push(...example(json?.example));
    const stream = response.content?.['text/event-stream'];
    if (stream?.example) lines.push(...example(stream.example, 'text'));
  }
  return lines;
}

export function renderApiReference(document: OpenapiDocument, introduction: string): string {
  const operations: { method: string; path: string; operation: Operation }[] = [];
  for (const [path, methods] of Object.entries(document.paths)) {
    for (const method of methodOrder) {
      const operation = methods[method];
      if (operation) operations.push({ method, path, operation });
    }
  }
  const tagNames = [...(document.tags ?? []).map((tag) => tag.name), ...operations.flatMap((item) => item.operation.tags ?? [])];
  const tags = [...new Set(tagNames)];
  const lines: string[] = [
    '<!-- Generated by `npm run docs:api` (scripts/generate-api-docs.ts) from the OpenAPI document and docs/api-introduction.md. Do not edit by hand: a test fails when it is stale. -->',
    '',
    introduction.trim(),
    '',
    '## Operations',
    '',
    '| method | path | summary | access |',
    '| --- | --- | --- | --- |',
  ];
  const byTag = (tag: string) => operations.filter((item) => (item.operation.tags?.[0] ?? 'other') === tag);
  for (const tag of tags) {
    for (const { method, path, operation } of byTag(tag)) {
      lines.push(`| ${method.toUpperCase()} | [\`${path}\`](#${anchor(method, path)}) | ${cell(operation.summary ?? '')} | ${cell(access(operation).replace(/^Needs an API key \(`Authorization: Bearer <key>`\) (with the role |of )/, 'role ').replace(/^role any role/, 'any role').replace(/ \(admin may do everything\)\.$/, '').replace(/\.$/, ''))} |`);
    }
  }
  lines.push('');
  const problem = document.components?.schemas?.Problem;
  if (problem) lines.push('## The problem body', '', 'Every error (`application/problem+json`):', '', ...fieldTable(problem));
  for (const tag of tags) {
    const description = document.tags?.find((item) => item.name === tag)?.description;
    lines.push(`## ${tag}`, '', ...(description ? [description, ''] : []));
    for (const { method, path, operation } of byTag(tag)) lines.push(...renderOperation(method, path, operation));
  }
  return `${lines.join('\n').replace(/\n{3,}/g, '\n\n').trimEnd()}\n`;
}
