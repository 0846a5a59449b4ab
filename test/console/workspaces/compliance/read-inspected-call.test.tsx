import { describe, expect, it } from 'vitest';
import type { ApiClient } from '../../../../console/src/api/api-client';
import { readInspectedCall } from '../../../../console/src/workspaces/compliance/read-inspected-call';

function clientWith(routes: Record<string, unknown>) {
  const asked: string[] = [];
  const client: Pick<ApiClient, 'get'> = {
    get: async <T,>(path: string, options?: { query?: Record<string, unknown> }) => {
      const key = options?.query ? `${path}?${new URLSearchParams(options.query as Record<string, string>).toString()}` : path;
      asked.push(key);
      if (!(key in routes)) throw new Error(`unexpected request ${key}`);
      return routes[key] as T;
    },
  };
  return { client, asked };
}

describe('readInspectedCall', () => {
  it('reads an example call through its inspection, the route compliance staff may read', async () => {
    const turns = [{ speaker: 'customer', text: '我的手机号是138****5678' }];
    const { client, asked } = clientWith({
      '/v1/inspections?conversation=conv-1': { items: [{ id: 'insp-9' }] },
      '/v1/inspections/insp-9': { id: 'insp-9', turns },
    });
    expect((await readInspectedCall(client, 'conv-1')).turns).toEqual(turns);
    expect(asked.some((path) => path.startsWith('/v1/conversations'))).toBe(false);
  });

  it('shows a call not inspected yet as an empty transcript', async () => {
    const { client } = clientWith({ '/v1/inspections?conversation=conv-2': { items: [] } });
    expect(await readInspectedCall(client, 'conv-2')).toEqual({ id: 'conv-2', turns: [] });
  });
});
