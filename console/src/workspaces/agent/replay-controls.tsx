import { useEffect, useRef, useState } from 'react';
import { useText } from '../../i18n/use-text';
import { delayBefore, parseTranscriptFile, TranscriptFileError, type ReplayTurn } from './replay-transcript';

type Mode = 'real' | 'stepped';

/**
 * Plays a transcript file into the call, turn by turn: at real speed (its timestamps, else speaking time) or one
 * turn per click. Each turn is posted with the file's id as turnId, so a retried post is never a duplicate.
 */
export function ReplayControls({ language, disabled, onTurn }: { language: 'zh' | 'en'; disabled: boolean; onTurn: (turn: ReplayTurn) => Promise<void> }) {
  const { t } = useText();
  const [turns, setTurns] = useState<ReplayTurn[]>([]);
  const [fileName, setFileName] = useState('');
  const [problems, setProblems] = useState<string[]>([]);
  const [mode, setMode] = useState<Mode>('stepped');
  const [next, setNext] = useState(0);
  const [playing, setPlaying] = useState(false);
  const [posting, setPosting] = useState(false);
  const onTurnRef = useRef(onTurn);
  onTurnRef.current = onTurn;

  const load = async (file: File | undefined) => {
    setPlaying(false);
    setNext(0);
    setTurns([]);
    setProblems([]);
    if (!file) return;
    setFileName(file.name);
    try {
      setTurns(parseTranscriptFile(await file.text()));
    } catch (error) {
      setProblems(error instanceof TranscriptFileError ? error.problems : [String(error)]);
    }
  };

  const postNext = async (): Promise<boolean> => {
    const turn = turns[next];
    if (!turn) return false;
    setPosting(true);
    try {
      await onTurnRef.current(turn);
      setNext((value) => value + 1);
      return true;
    } catch {
      setPlaying(false);
      return false;
    } finally {
      setPosting(false);
    }
  };

  // Real speed: wait the turn's delay, post it, then the next; pausing stops the wait.
  useEffect(() => {
    if (!playing || mode !== 'real' || posting) return;
    const turn = turns[next];
    if (!turn) {
      setPlaying(false);
      return;
    }
    const timer = setTimeout(() => void postNext(), delayBefore(turns[next - 1], turn, language));
    return () => clearTimeout(timer);
    // postNext reads the current state; re-arming on next/playing/posting is what drives the replay.
  }, [playing, mode, next, posting, turns, language]);

  const finished = turns.length > 0 && next >= turns.length;
  return (
    <section className="panel replay" aria-labelledby="replay-title">
      <h3 id="replay-title">{t('agent.replay.title')}</h3>
      <div className="form-row">
        <label>
          {t('agent.replay.file')}
          <input type="file" accept=".txt,.jsonl,.json,text/plain" disabled={disabled} onChange={(event) => void load(event.target.files?.[0])} />
        </label>
        <label>
          {t('agent.replay.mode')}
          <select value={mode} onChange={(event) => setMode(event.target.value as Mode)} disabled={playing}>
            <option value="stepped">{t('agent.replay.stepped')}</option>
            <option value="real">{t('agent.replay.real')}</option>
          </select>
        </label>
        {mode === 'stepped' ? (
          <button type="button" disabled={disabled || posting || turns.length === 0 || finished} onClick={() => void postNext()}>
            {t('agent.replay.next')}
          </button>
        ) : (
          <button type="button" disabled={disabled || turns.length === 0 || finished} onClick={() => setPlaying((value) => !value)}>
            {playing ? t('agent.replay.pause') : t('agent.replay.play')}
          </button>
        )}
      </div>
      {turns.length > 0 && (
        <p className="hint" role="status">
          {t('agent.replay.progress', { file: fileName, done: next, total: turns.length })}
        </p>
      )}
      {problems.length > 0 && (
        <div className="field-problem" role="alert">
          {t('agent.replay.invalid', { file: fileName })}
          <ul>
            {problems.slice(0, 10).map((problem) => (
              <li key={problem}>{problem}</li>
            ))}
          </ul>
        </div>
      )}
    </section>
  );
}
