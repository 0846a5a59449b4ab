import type { ApiClient } from '../../api/api-client';

/** A call as compliance staff read it: its inspection, which carries the transcript masked. */
export interface InspectedCall {
  id: string;
  turns?: { speaker: string; text: string }[];
}

/**
 * Insights name their example calls by conversation id. The conversation routes belong to agents' desks, so
 * compliance staff read a call through its inspection (their own route): find it by conversation, then open it.
 * A call not inspected yet reads as an empty transcript rather than an error.
 */
export async function readInspectedCall(client: Pick<ApiClient, 'get'>, conversationId: string): Promise<InspectedCall> {
  const page = await client.get<{ items: { id: string }[] }>('/v1/inspections', { query: { conversation: conversationId } });
  const inspection = page.items[0];
  return inspection ? client.get<InspectedCall>(`/v1/inspections/${inspection.id}`) : { id: conversationId, turns: [] };
}
