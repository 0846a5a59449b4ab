import { OpenAIEmbeddings } from '@langchain/openai';
import type { Embedder } from './embedder.js';
import { ModelError, modelErrorFrom } from './model-error.js';
import { openAIDefaultBaseURL } from './openai-chat-model.js';

export interface OpenAIEmbedderOptions {
  apiKey: string;
  baseURL?: string;
  model: string;
  /** Sent as `dimensions` when set (text-embedding-3-* can shorten vectors); required for models not listed below. */
  dimensions?: number;
  /** Texts per request: the provider's limit (OpenAI 2048, DashScope 10). */
  batchSize?: number;
  /** Requests in flight at once when one call holds several batches. */
  concurrency?: number;
  /** Per request, retried by LangChain's caller. */
  timeoutMs: number;
  maxRetries?: number;
}

/** The database column is sized from `dimensions` before anything is embedded, so it must be known up front. */
const nativeDimensions: Record<string, number> = {
  'text-embedding-3-small': 1536,
  'text-embedding-3-large': 3072,
  'text-embedding-ada-002': 1536,
};

/** A configuration mistake the operator fixes; thrown at start-up, not per call. */
export class EmbeddingDimensionsUnknownError extends Error {
  readonly code = 'embedding_dimensions_unknown';

  constructor(model: string) {
    super(`The dimension of embedding model "${model}" is not known: set EMBEDDING_DIMENSIONS to the length of its vectors.`);
    this.name = 'EmbeddingDimensionsUnknownError';
  }
}

export function createOpenAIEmbedder(options: OpenAIEmbedderOptions): Embedder {
  const dimensions = options.dimensions ?? nativeDimensions[options.model];
  if (dimensions === undefined) throw new EmbeddingDimensionsUnknownError(options.model);
  const embeddings = new OpenAIEmbeddings({
    model: options.model,
    apiKey: options.apiKey,
    configuration: { baseURL: options.baseURL ?? openAIDefaultBaseURL },
    ...(options.dimensions === undefined ? {} : { dimensions: options.dimensions }),
    batchSize: options.batchSize ?? 64,
    maxConcurrency: options.concurrency ?? 4,
    timeout: options.timeoutMs,
    maxRetries: options.maxRetries ?? 2,
    // The SDK asks for base64 by default and decodes it; several compatible servers ignore that and send floats.
    encodingFormat: 'float',
  });
  const what = `embeddings from ${options.model}`;

  return {
    id: `openai:${options.model}:${dimensions}`,
    dimensions,

    async embed(texts: string[]): Promise<number[][]> {
      if (texts.length === 0) return [];
      let vectors: number[][];
      try {
        // The API rejects an empty string; a space embeds as "nothing" without failing the whole batch.
        vectors = await embeddings.embedDocuments(texts.map((text) => (text.trim() === '' ? ' ' : text)));
      } catch (error) {
        throw modelErrorFrom(error, what);
      }
      if (vectors.length !== texts.length || vectors.some((vector) => vector === undefined)) {
        throw new ModelError('invalid_output', `${what}: asked for ${texts.length} vectors, received ${vectors.length}`);
      }
      const wrong = vectors.find((vector) => vector.length !== dimensions);
      if (wrong) {
        throw new ModelError(
          'invalid_output',
          `${what}: expected vectors of ${dimensions} dimensions, received ${wrong.length}; check EMBEDDING_DIMENSIONS`,
        );
      }
      return vectors;
    },
  };
}
