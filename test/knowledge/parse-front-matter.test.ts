import { describe, expect, it } from 'vitest';
import type { IngestError } from '../../src/knowledge/ingest-error.js';
import { parseFrontMatter } from '../../src/knowledge/parse-front-matter.js';

function errorOf(source: string): IngestError {
  try {
    parseFrontMatter(source);
  } catch (error) {
    return error as IngestError;
  }
  throw new Error('expected parseFrontMatter to throw');
}

describe('parseFrontMatter', () => {
  it('returns empty metadata and the whole body when there is no front matter', () => {
    expect(parseFrontMatter('# Title\n\nText')).toEqual({ metadata: {}, content: '# Title\n\nText' });
  });

  it('keeps dates as the author wrote them and accepts a tag string', () => {
    const { metadata, content } = parseFrontMatter('---\neffectiveFrom: 2024-02-29\ntags: "a；b, c"\nexternalId: 1024\n---\nBody');
    expect(metadata).toEqual({ effectiveFrom: '2024-02-29', tags: ['a', 'b', 'c'], externalId: '1024' });
    expect(content.trim()).toBe('Body');
  });

  it.each([
    ['riskLevel: R6', 'riskLevel', /must be one of R1, R2, R3, R4, R5/],
    ['kind: manual', 'kind', /must be one of product, compliance, script, faq/],
    ['status: live', 'status', /draft, approved, retired/],
    ['language: fr', 'language', /zh, en/],
    ['effectiveFrom: 2025-02-30', 'effectiveFrom', /real ISO date/],
    ['effectiveFrom: 2025-13-01', 'effectiveFrom', /real ISO date/],
    ['effectiveUntil: 01/02/2025', 'effectiveUntil', /real ISO date/],
    ['effectiveFrom: 2025-01-01T25:00:00Z', 'effectiveFrom', /real ISO date/],
    ['effectiveFrom: 20250101', 'effectiveFrom', /real ISO date/],
    ['title: ""', 'title', /must not be empty/],
    ['tags: {a: 1}', 'tags', /list of text/],
    ['owner: [a, b]', 'owner', /must be text/],
  ])('rejects %s naming the field', (line, field, message) => {
    const error = errorOf(`---\n${line}\n---\nBody`);
    expect(error.code).toBe('invalid_front_matter');
    expect(error.field).toBe(field);
    expect(error.message).toContain(`'${field}'`);
    expect(error.message).toMatch(message);
  });

  it('accepts full ISO timestamps with a zone', () => {
    expect(parseFrontMatter('---\neffectiveFrom: 2025-03-01T08:30:00.000Z\n---\nx').metadata.effectiveFrom).toBe('2025-03-01T08:30:00.000Z');
  });

  it('rejects an end date before the start date', () => {
    const error = errorOf('---\neffectiveFrom: 2025-06-01\neffectiveUntil: 2025-01-01\n---\nBody');
    expect(error).toMatchObject({ code: 'invalid_front_matter', field: 'effectiveUntil' });
  });

  it('rejects YAML that does not parse', () => {
    const error = errorOf('---\ntitle: [unclosed\n---\nBody');
    expect(error.code).toBe('invalid_front_matter');
    expect(error.message).toMatch(/not valid YAML/);
  });

  it('rejects front matter that is not a mapping', () => {
    expect(errorOf('---\n- a\n- b\n---\nBody').code).toBe('invalid_front_matter');
  });
});
