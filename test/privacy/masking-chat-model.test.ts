import { describe, expect, it } from 'vitest';
import type { ChatModel, ChatRequest, ChatStreamPart } from '../../src/llm/chat-model.js';
import type { Embedder } from '../../src/llm/embedder.js';
import { withMaskedChatModel } from '../../src/privacy/masking-chat-model.js';
import { withMaskedEmbedder } from '../../src/privacy/masking-embedder.js';

const customer = '我的手机号是13812345678，卡号６２２２０２１２３４５６７８９４，邮箱zhang@example.com';

function recordingModel(seen: ChatRequest[]): ChatModel {
  return {
    provider: 'recording',
    model: 'echo',
    async generate(request) {
      seen.push(request);
      return { text: request.messages.map((message) => message.content).join('\n') };
    },
    async *stream(request): AsyncIterable<ChatStreamPart> {
      seen.push(request);
      yield { type: 'done', text: 'ok' };
    },
  };
}

describe('withMaskedChatModel', () => {
  it('masks every message of generate and stream requests, keeping roles, options and labels', async () => {
    const seen: ChatRequest[] = [];
    const model = withMaskedChatModel(recordingModel(seen));
    expect([model.provider, model.model]).toEqual(['recording', 'echo']);
    await model.generate({ messages: [{ role: 'system', content: 'rules' }, { role: 'user', content: customer }], temperature: 0.2 });
    for await (const part of model.stream({ messages: [{ role: 'user', content: customer }] })) expect(part.type).toBe('done');
    expect(seen).toHaveLength(2);
    expect(seen[0]!.temperature).toBe(0.2);
    expect(seen[0]!.messages[0]).toEqual({ role: 'system', content: 'rules' });
    for (const request of seen) {
      const sent = JSON.stringify(request.messages);
      expect(sent).not.toContain('13812345678');
      expect(sent).not.toContain('２０２１２３４５６７８９');
      expect(sent).not.toContain('zhang@example.com');
      expect(sent).toContain('138****5678');
    }
  });
});

describe('withMaskedEmbedder', () => {
  it('masks texts before embedding and keeps the inner id and dimension', async () => {
    const seen: string[][] = [];
    const inner: Embedder = { id: 'inner:64', dimensions: 64, embed: async (texts) => { seen.push(texts); return texts.map(() => new Array(64).fill(0)); } };
    const embedder = withMaskedEmbedder(inner);
    expect([embedder.id, embedder.dimensions]).toEqual(['inner:64', 64]);
    const vectors = await embedder.embed([customer, '信用卡年费怎么收']);
    expect(vectors).toHaveLength(2);
    expect(seen[0]![0]).not.toContain('13812345678');
    expect(seen[0]![1]).toBe('信用卡年费怎么收');
  });
});
