// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import { readServerSentEvents, ServerSentEventParser } from '../../../console/src/api/server-sent-events';

describe('ServerSentEventParser', () => {
  it('gives each event once however the text is cut, skipping heartbeats', () => {
    const text = ': heartbeat\n\nid: 1\nevent: knowledge\ndata: {"a":1}\n\nid: 2\r\nevent: compliance\r\ndata: line one\r\ndata: line two\r\n\r\nevent: end\ndata: {}\n\n';
    // Every split point, including inside "\r\n".
    for (let cut = 0; cut <= text.length; cut += 1) {
      const parser = new ServerSentEventParser();
      const events = [...parser.feed(text.slice(0, cut)), ...parser.feed(text.slice(cut))];
      expect(events, `cut at ${cut}`).toEqual([
        { id: '1', event: 'knowledge', data: '{"a":1}' },
        { id: '2', event: 'compliance', data: 'line one\nline two' },
        { event: 'end', data: '{}' },
      ]);
    }
  });

  it('defaults the event name to message and ignores an id containing NUL', () => {
    const parser = new ServerSentEventParser();
    expect(parser.feed('id: a\0b\ndata:x\n\n')).toEqual([{ event: 'message', data: 'x' }]);
  });
});

describe('readServerSentEvents', () => {
  it('decodes UTF-8 split across chunks and drops an event the stream cut off', async () => {
    const bytes = new TextEncoder().encode('id: 7\nevent: knowledge\ndata: 信用卡年费\n\nid: 8\nevent: knowledge\ndata: half');
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        // Cut inside a three-byte character.
        controller.enqueue(bytes.slice(0, 30));
        controller.enqueue(bytes.slice(30));
        controller.close();
      },
    });
    const events = [];
    for await (const event of readServerSentEvents(body)) events.push(event);
    expect(events).toEqual([{ id: '7', event: 'knowledge', data: '信用卡年费' }]);
  });
});
