import { useCallback, useEffect, useReducer, useRef, useState } from 'react';
import type { Citation, Conversation, Speaker, Suggestion, SummaryReview, TurnResponse } from '../../api/api-types';
import { openEventStream, type EventStream, type StreamState } from '../../api/event-stream';
import { ProblemError, UnauthenticatedError } from '../../api/problem-error';
import { ErrorBanner } from '../../components/error-banner';
import { useText } from '../../i18n/use-text';
import type { Workspace, WorkspaceProps } from '../workspace';
import { AlertsPanel } from './alerts-panel';
import { callReducer, initialCallState } from './call-state';
import { CustomerBadges } from './customer-badges';
import { KnowledgeCards } from './knowledge-cards';
import en from './messages.en.json';
import zh from './messages.zh.json';
import { PassageViewer } from './passage-viewer';
import { ReplayControls } from './replay-controls';
import type { ReplayTurn } from './replay-transcript';
import { StartCallForm, type CallSettings } from './start-call-form';
import { applySuggestionEvent, startRun, streamSuggestions, withFeedback, type SuggestionRun } from './suggestion-run';
import { SuggestionsPanel, type FeedbackInput } from './suggestions-panel';
import { SummaryPanel, type SaveSummary } from './summary-panel';
import { TranscriptPanel } from './transcript-panel';

/** How often an ended call's summary is asked for when its event did not arrive (the stream dropped, say). */
const summaryPollMilliseconds = 1_500;
const summaryPollAttempts = 80;

function AgentWorkspace({ client }: WorkspaceProps) {
  const { t } = useText();
  const [state, dispatch] = useReducer(callReducer, initialCallState);
  const [streamState, setStreamState] = useState<StreamState>();
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const [sending, setSending] = useState(false);
  const [draft, setDraft] = useState('');
  const [speaker, setSpeaker] = useState<Speaker>('customer');
  const [autoSuggest, setAutoSuggest] = useState(true);
  const [run, setRun] = useState<SuggestionRun>();
  const [passage, setPassage] = useState<Citation>();
  const [review, setReview] = useState<SummaryReview>();
  const streamRef = useRef<EventStream | undefined>(undefined);
  const suggestionAbort = useRef<AbortController | undefined>(undefined);
  const conversation = state.conversation;

  const stopStreams = useCallback(() => {
    streamRef.current?.close();
    streamRef.current = undefined;
    suggestionAbort.current?.abort();
  }, []);
  useEffect(() => stopStreams, [stopStreams]);

  /** A refused key ends the session (the client already sent the user to sign-in); anything else is shown here. */
  const report = useCallback((caught: unknown) => {
    if (!(caught instanceof UnauthenticatedError)) setError(caught);
  }, []);

  const start = async (settings: CallSettings) => {
    setBusy(true);
    setError(undefined);
    try {
      const created = await client.post<Conversation>('/v1/conversations', { channel: settings.channel, language: settings.language, customer: settings.customer });
      stopStreams();
      setRun(undefined);
      dispatch({ type: 'started', conversation: created });
      // From event 0: a card pushed before the stream is connected is replayed, not lost.
      streamRef.current = openEventStream({
        client,
        path: `/v1/conversations/${created.id}/events`,
        lastEventId: '0',
        onEvent: (event) => {
          let data: unknown;
          try {
            data = JSON.parse(event.data);
          } catch {
            return;
          }
          dispatch({ type: 'event', event: event.event, data, receivedAt: performance.now() });
        },
        onState: (next, problem) => {
          setStreamState(next);
          if (problem && problem.status !== 401) setError(new ProblemError(problem));
        },
      });
    } catch (caught) {
      report(caught);
    } finally {
      setBusy(false);
    }
  };

  const suggest = useCallback(
    async (conversationId: string, turnId: string) => {
      suggestionAbort.current?.abort();
      const controller = new AbortController();
      suggestionAbort.current = controller;
      setRun(startRun(turnId));
      try {
        await streamSuggestions(client, conversationId, (event, data) => setRun((current) => (current && current.turnId === turnId ? applySuggestionEvent(current, event, data) : current)), controller.signal);
        setRun((current) => (current && current.turnId === turnId && current.status === 'streaming' ? { ...current, status: 'done' } : current));
      } catch (caught) {
        if (controller.signal.aborted) return;
        if (caught instanceof UnauthenticatedError) return;
        const problem = caught instanceof ProblemError ? caught.problem : { type: 'x/stream', title: 'Suggestion failed', status: 0, detail: String(caught) };
        setRun((current) => (current && current.turnId === turnId ? { ...current, status: 'failed', problem } : current));
      }
    },
    [client],
  );

  const postTurn = useCallback(
    async (turnSpeaker: Speaker, text: string, turnId?: string) => {
      if (!conversation) return;
      const response = await client.post<TurnResponse>(`/v1/conversations/${conversation.id}/turns`, { speaker: turnSpeaker, text, ...(turnId ? { turnId } : {}) });
      dispatch({ type: 'turnPosted', response });
      if (turnSpeaker === 'customer' && autoSuggest) void suggest(conversation.id, response.turn.id);
    },
    [client, conversation, autoSuggest, suggest],
  );

  const send = async () => {
    const text = draft.trim();
    if (!text) return;
    setSending(true);
    setError(undefined);
    try {
      await postTurn(speaker, text);
      setDraft('');
      // After the customer speaks the agent usually answers, and the other way round.
      setSpeaker(speaker === 'customer' ? 'agent' : 'customer');
    } catch (caught) {
      report(caught);
    } finally {
      setSending(false);
    }
  };

  const replayTurn = async (turn: ReplayTurn) => {
    setError(undefined);
    try {
      await postTurn(turn.speaker, turn.text, turn.id);
    } catch (caught) {
      report(caught);
      throw caught;
    }
  };

  const feedback = async (suggestion: Suggestion, input: FeedbackInput) => {
    await client.post(`/v1/suggestions/${suggestion.id}/feedback`, input);
    setRun((current) => (current ? withFeedback(current, suggestion.id, input.action) : current));
    // A reply used (as is or edited) becomes the agent's next turn, ready to send.
    if (input.action !== 'dismissed' && input.finalText) {
      setDraft(input.finalText);
      setSpeaker('agent');
    }
  };

  const end = async () => {
    if (!conversation) return;
    setBusy(true);
    setError(undefined);
    try {
      await client.post(`/v1/conversations/${conversation.id}/end`);
      suggestionAbort.current?.abort();
      dispatch({ type: 'ended' });
    } catch (caught) {
      report(caught);
    } finally {
      setBusy(false);
    }
  };

  // The summary normally arrives as an event; if it has not (stream down), it is read from its own route.
  useEffect(() => {
    if (!conversation || !state.ended || state.summaryState !== 'pending') return;
    let cancelled = false;
    let attempts = 0;
    const poll = async () => {
      if (cancelled) return;
      attempts += 1;
      try {
        const response = await client.send('GET', `/v1/conversations/${conversation.id}/summary`);
        if (response.status === 200) {
          const body = (await response.json()) as SummaryReview;
          if (!cancelled) {
            setReview(body);
            dispatch({ type: 'summary', summary: body.summary });
          }
          return;
        }
      } catch (caught) {
        // 500 summary_failed is retried by the service itself: keep asking; anything else is shown.
        if (!(caught instanceof ProblemError && caught.code === 'summary_failed')) report(caught);
        if (caught instanceof UnauthenticatedError) return;
      }
      if (attempts >= summaryPollAttempts) {
        if (!cancelled) dispatch({ type: 'summaryFailed' });
        return;
      }
      setTimeout(() => void poll(), summaryPollMilliseconds);
    };
    const first = setTimeout(() => void poll(), summaryPollMilliseconds);
    return () => {
      cancelled = true;
      clearTimeout(first);
    };
  }, [client, conversation, state.ended, state.summaryState, report]);

  // A summary that came as an event has no revision yet: read it once from its route (it may also be saved already).
  const summaryArrived = state.summary !== undefined;
  useEffect(() => {
    if (!conversation || !summaryArrived || review) return;
    let cancelled = false;
    client.get<SummaryReview>(`/v1/conversations/${conversation.id}/summary`).then(
      (body) => {
        if (!cancelled && body?.summary) setReview(body);
      },
      (caught: unknown) => {
        if (!cancelled) report(caught);
      },
    );
    return () => {
      cancelled = true;
    };
  }, [client, conversation, summaryArrived, review, report]);

  const saveSummary: SaveSummary = async (edit, confirmed, revision) => {
    if (!conversation) throw new Error('no call');
    const saved = await client.put<SummaryReview>(`/v1/conversations/${conversation.id}/summary`, { ...(Object.keys(edit).length > 0 ? { summary: edit } : {}), confirmed, ...(revision === undefined ? {} : { revision }) });
    setReview(saved);
    return saved;
  };

  const newCall = () => {
    stopStreams();
    setRun(undefined);
    setStreamState(undefined);
    setDraft('');
    setSpeaker('customer');
    setReview(undefined);
    dispatch({ type: 'reset' });
  };

  const showTurn = (turnId: string) => document.getElementById(`turn-${turnId}`)?.scrollIntoView?.({ block: 'center' });
  const latestSituations = state.cardSets.at(-1)?.situations ?? [];

  return (
    <section className="workspace agent-workspace" aria-labelledby="agent-title">
      <div className="workspace-heading">
        <h1 id="agent-title">{t('workspace.agent')}</h1>
        {conversation && (
          <>
            <CustomerBadges customer={conversation.customer} situations={latestSituations} />
            <span className={`stream-state stream-${streamState ?? 'closed'}`} role="status" data-stream-state={streamState}>
              {t(`agent.stream.${streamState ?? 'closed'}`)}
            </span>
            <label className="checkbox">
              <input type="checkbox" checked={autoSuggest} onChange={(event) => setAutoSuggest(event.target.checked)} />
              {t('agent.suggestions.auto')}
            </label>
            {state.ended ? (
              <button type="button" onClick={newCall}>
                {t('agent.call.new')}
              </button>
            ) : (
              <button type="button" className="end-call" onClick={() => void end()} disabled={busy}>
                {t('agent.call.end')}
              </button>
            )}
          </>
        )}
      </div>
      <ErrorBanner error={error} onDismiss={() => setError(undefined)} />
      {!conversation ? (
        <StartCallForm busy={busy} onStart={(settings) => void start(settings)} />
      ) : (
        <div className="agent-grid">
          <div className="column-stack">
            <TranscriptPanel
              turns={state.turns}
              alerts={state.alerts}
              draft={draft}
              onDraftChange={setDraft}
              speaker={speaker}
              onSpeakerChange={setSpeaker}
              onSend={() => void send()}
              disabled={state.ended}
              sending={sending}
            />
            {!state.ended && <ReplayControls language={conversation.language} disabled={state.ended} onTurn={replayTurn} />}
          </div>
          <div className="column-stack">
            {/* Alerts first: what the agent just said wrong matters before the next reply (and the panel is one line when empty). */}
            <AlertsPanel alerts={state.alerts} turns={state.turns} />
            {state.ended ? (
              <SummaryPanel state={state.summaryState} summary={state.summary} review={review} turns={state.turns} onShowTurn={showTurn} onSave={saveSummary} />
            ) : (
              <SuggestionsPanel
                run={run}
                canSuggest={state.turns.some((turn) => turn.speaker === 'customer')}
                onSuggest={() => {
                  const last = [...state.turns].reverse().find((turn) => turn.speaker === 'customer');
                  if (last) void suggest(conversation.id, last.id);
                }}
                onFeedback={feedback}
                onOpenCitation={setPassage}
              />
            )}
          </div>
          <div className="column-stack">
            <KnowledgeCards cardSets={state.cardSets} conversationId={conversation.id} client={client} onOpen={setPassage} />
          </div>
        </div>
      )}
      {passage && <PassageViewer client={client} citation={passage} onClose={() => setPassage(undefined)} />}
    </section>
  );
}

export const agentWorkspace: Workspace = { id: 'agent', titleKey: 'workspace.agent', messages: { zh, en }, Component: AgentWorkspace };
