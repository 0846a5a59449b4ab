import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { ModelError } from '../../src/llm/model-error.js';
import { createOpenAIEmbedder, EmbeddingDimensionsUnknownError } from '../../src/llm/openai-embedder.js';
import { mockEmbedding, startOpenAIMockServer } from '../support/openai-mock-server.js';

const server = startOpenAIMockServer();
afterEach(() => server.reset());
afterAll(() => server.close());

const texts = Array.from({ length: 150 }, (_, index) => `passage ${index}: 信用卡年费 ${index % 7}`);

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: unknown) => error,
  );
}

describe('createOpenAIEmbedder', () => {
  it('batches requests and returns the vectors in input order', async () => {
    const calls = server.embeddings();
    const embedder = createOpenAIEmbedder({ apiKey: 'k', baseURL: server.baseURL, model: 'text-embedding-3-small', dimensions: 256, batchSize: 64, timeoutMs: 2_000 });

    const vectors = await embedder.embed(texts);

    expect(calls.requests).toHaveLength(3);
    expect(calls.requests.map((request) => request.body.input.length).sort((a: number, b: number) => b - a)).toEqual([64, 64, 22]);
    for (const request of calls.requests) {
      expect(request.body.dimensions).toBe(256);
      expect(request.body.model).toBe('text-embedding-3-small');
      expect(request.body.encoding_format).toBe('float');
    }
    expect(vectors).toHaveLength(150);
    expect(vectors[0]).toEqual(mockEmbedding(texts[0]!, 256));
    expect(vectors[149]).toEqual(mockEmbedding(texts[149]!, 256));
    expect(embedder.dimensions).toBe(256);
    expect(embedder.id).toBe('openai:text-embedding-3-small:256');
  });

  it('knows the native dimension of common models and then sends no dimensions', async () => {
    const calls = server.embeddings();
    const embedder = createOpenAIEmbedder({ apiKey: 'k', baseURL: server.baseURL, model: 'text-embedding-ada-002', timeoutMs: 2_000 });
    expect(embedder.dimensions).toBe(1536);
    expect(embedder.id).toBe('openai:text-embedding-ada-002:1536');
    const [vector] = await embedder.embed(['hello']);
    expect(vector).toHaveLength(1536);
    expect(calls.requests[0]?.body.dimensions).toBeUndefined();
    expect(createOpenAIEmbedder({ apiKey: 'k', model: 'text-embedding-3-large', timeoutMs: 1 }).dimensions).toBe(3072);
  });

  it('requires dimensions for a model it does not know', () => {
    expect(() => createOpenAIEmbedder({ apiKey: 'k', model: 'bge-m3', timeoutMs: 1_000 })).toThrow(EmbeddingDimensionsUnknownError);
    expect(() => createOpenAIEmbedder({ apiKey: 'k', model: 'bge-m3', timeoutMs: 1_000 })).toThrow(/EMBEDDING_DIMENSIONS/);
    expect(createOpenAIEmbedder({ apiKey: 'k', model: 'bge-m3', dimensions: 1024, timeoutMs: 1_000 }).id).toBe('openai:bge-m3:1024');
  });

  it('rejects vectors whose length is not the configured dimension', async () => {
    server.embeddings({ forceDimensions: 100 });
    const embedder = createOpenAIEmbedder({ apiKey: 'k', baseURL: server.baseURL, model: 'bge-m3', dimensions: 1024, timeoutMs: 2_000 });
    const error = await rejection(embedder.embed(['短文本']));
    expect(error).toBeInstanceOf(ModelError);
    expect((error as ModelError).failure).toBe('invalid_output');
    expect((error as ModelError).message).toMatch(/1024/);
  });

  it('uses a custom base URL', async () => {
    const calls = server.embeddings({ baseURL: 'http://ollama.local:11434/v1' });
    const embedder = createOpenAIEmbedder({ apiKey: 'k', baseURL: 'http://ollama.local:11434/v1', model: 'nomic-embed-text', dimensions: 768, timeoutMs: 2_000 });
    await embedder.embed(['a', 'b']);
    expect(calls.requests[0]?.url).toBe('http://ollama.local:11434/v1/embeddings');
  });

  it('maps a 500 to server_error', async () => {
    server.error(500, 'boom', { endpoint: 'embeddings' });
    const embedder = createOpenAIEmbedder({ apiKey: 'k', baseURL: server.baseURL, model: 'text-embedding-3-small', timeoutMs: 2_000, maxRetries: 0 });
    const error = await rejection(embedder.embed(['x']));
    expect((error as ModelError).failure).toBe('server_error');
  });

  it('sends no request for no texts and never sends an empty string', async () => {
    const calls = server.embeddings();
    const embedder = createOpenAIEmbedder({ apiKey: 'k', baseURL: server.baseURL, model: 'text-embedding-3-small', timeoutMs: 2_000 });
    expect(await embedder.embed([])).toEqual([]);
    expect(calls.requests).toHaveLength(0);
    const vectors = await embedder.embed(['', 'text']);
    expect(vectors).toHaveLength(2);
    expect(calls.requests[0]?.body.input).not.toContain('');
  });
});
