import type { Embedder } from '../llm/embedder.js';
import { maskText } from './mask-personal-data.js';

/**
 * An embedder that never receives personal data: retrieval queries are built from customer turns, so texts are
 * masked before they leave the process. The id is the inner one: masking does not change which vectors match.
 */
export function withMaskedEmbedder(embedder: Embedder): Embedder {
  return {
    id: embedder.id,
    dimensions: embedder.dimensions,
    embed: (texts) => embedder.embed(texts.map(maskText)),
  };
}
