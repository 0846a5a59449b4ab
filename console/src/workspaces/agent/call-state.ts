import type { ComplianceEvent, Conversation, Finding, KnowledgeEvent, Summary, Turn, TurnResponse } from '../../api/api-types';

/** A compliance finding on one of the agent's turns, as shown in the alerts list. */
export interface Alert {
  key: string;
  turnId: string;
  sequence: number | undefined;
  finding: Finding;
}

/** The knowledge cards pushed for one customer turn. */
export interface CardSet {
  turnId: string;
  clientTurnId: string | null;
  query: string;
  results: KnowledgeEvent['results'];
  situations: string[];
  /** When the cards became visible (performance.now()): the console's own measure, shown to nobody. */
  receivedAt: number;
}

export type SummaryState = 'none' | 'pending' | 'ready' | 'failed';

export interface CallState {
  conversation: Conversation | undefined;
  turns: Turn[];
  cardSets: CardSet[];
  alerts: Alert[];
  summary: Summary | undefined;
  summaryState: SummaryState;
  ended: boolean;
}

export type CallAction =
  | { type: 'started'; conversation: Conversation }
  | { type: 'turnPosted'; response: TurnResponse }
  | { type: 'event'; event: string; data: unknown; receivedAt: number }
  | { type: 'ended' }
  | { type: 'summary'; summary: Summary }
  | { type: 'summaryFailed' }
  | { type: 'reset' };

export const initialCallState: CallState = { conversation: undefined, turns: [], cardSets: [], alerts: [], summary: undefined, summaryState: 'none', ended: false };

/** One alert per rule, place and detector on a turn: the turn's response and its pushed event say the same thing. */
function alertKey(turnId: string, finding: Finding): string {
  return `${turnId}|${finding.ruleId}|${finding.detectedBy ?? 'rule'}|${finding.evidence.start}-${finding.evidence.end}`;
}

function withAlerts(state: CallState, turnId: string, sequence: number | undefined, findings: readonly Finding[]): CallState {
  const known = new Set(state.alerts.map((alert) => alert.key));
  const added: Alert[] = [];
  for (const finding of findings) {
    const key = alertKey(turnId, finding);
    if (known.has(key)) continue;
    known.add(key);
    added.push({ key, turnId, sequence, finding });
  }
  return added.length === 0 ? state : { ...state, alerts: [...state.alerts, ...added] };
}

function sequenceOf(state: CallState, turnId: string): number | undefined {
  return state.turns.find((turn) => turn.id === turnId)?.sequence;
}

/**
 * What the agent sees of a call, from the turns it posted and the events the service pushed. Events may come twice
 * (a replay after a reconnection overlapping a response) or out of order with responses: each fact is kept once.
 */
export function callReducer(state: CallState, action: CallAction): CallState {
  switch (action.type) {
    case 'reset':
      return initialCallState;
    case 'started':
      return { ...initialCallState, conversation: action.conversation };
    case 'turnPosted': {
      const { turn, findings } = action.response;
      const turns = state.turns.some((known) => known.id === turn.id) ? state.turns : [...state.turns, turn].sort((a, b) => a.sequence - b.sequence);
      return withAlerts({ ...state, turns }, turn.id, turn.sequence, findings);
    }
    case 'event': {
      if (action.event === 'knowledge') {
        const data = action.data as KnowledgeEvent;
        if (!data?.turnId || state.cardSets.some((set) => set.turnId === data.turnId)) return state;
        const set: CardSet = {
          turnId: data.turnId,
          clientTurnId: data.clientTurnId ?? null,
          query: data.query ?? '',
          results: Array.isArray(data.results) ? data.results : [],
          situations: (data.situations ?? []).map((situation) => situation.id),
          receivedAt: action.receivedAt,
        };
        return { ...state, cardSets: [...state.cardSets, set] };
      }
      if (action.event === 'compliance') {
        const data = action.data as ComplianceEvent;
        if (!data?.turnId || !Array.isArray(data.findings)) return state;
        // A judge event names its detector on the event; the findings carry it too, but older events may not.
        const findings = data.detectedBy === 'judge' ? data.findings.map((finding) => ({ detectedBy: 'judge' as const, ...finding })) : data.findings;
        return withAlerts(state, data.turnId, data.sequence ?? sequenceOf(state, data.turnId), findings);
      }
      if (action.event === 'summary') {
        const data = action.data as { summary?: Summary };
        return data?.summary ? { ...state, summary: state.summary ?? data.summary, summaryState: 'ready' } : state;
      }
      if (action.event === 'end') {
        const data = action.data as { summary?: string };
        const summaryState: SummaryState = state.summaryState === 'ready' ? 'ready' : data?.summary === 'failed' ? 'failed' : state.summaryState === 'none' ? 'pending' : state.summaryState;
        return { ...state, ended: true, summaryState };
      }
      return state;
    }
    case 'ended':
      return { ...state, ended: true, summaryState: state.summaryState === 'ready' ? 'ready' : 'pending' };
    case 'summary':
      return { ...state, summary: state.summary ?? action.summary, summaryState: 'ready' };
    case 'summaryFailed':
      return state.summaryState === 'ready' ? state : { ...state, summaryState: 'failed' };
  }
}

/** The alerts on one turn, for highlighting their evidence in the transcript. */
export function alertsOfTurn(state: CallState, turnId: string): Alert[] {
  return state.alerts.filter((alert) => alert.turnId === turnId);
}
