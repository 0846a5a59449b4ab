import { useId, useState, type FormEvent } from 'react';
import { ApiClient } from '../api/api-client';
import { ProblemError } from '../api/problem-error';
import { ErrorBanner } from '../components/error-banner';
import { useText } from '../i18n/use-text';

export type SignInNotice = 'expired' | 'signedOut';

/** Any key, of any role, may list documents: a cheap authenticated call that says whether the key is accepted. */
export async function checkKey(key: string, fetcher?: typeof fetch): Promise<void> {
  const probe = new ApiClient({ getKey: () => key, ...(fetcher ? { fetch: fetcher } : {}) });
  await probe.send('GET', '/v1/knowledge/documents', { query: { limit: 1 } });
}

export function SignInPage({ notice, onSignedIn }: { notice?: SignInNotice | undefined; onSignedIn: (key: string) => void }) {
  const { t } = useText();
  const inputId = useId();
  const [key, setKey] = useState('');
  const [checking, setChecking] = useState(false);
  const [message, setMessage] = useState<string | undefined>(notice === 'expired' ? t('signIn.expired') : notice === 'signedOut' ? t('signIn.signedOut') : undefined);
  const [error, setError] = useState<unknown>();

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const trimmed = key.trim();
    setError(undefined);
    if (!trimmed) {
      setMessage(t('signIn.empty'));
      return;
    }
    setChecking(true);
    try {
      await checkKey(trimmed);
      onSignedIn(trimmed);
    } catch (caught) {
      if (caught instanceof ProblemError && caught.status === 401) setMessage(t('signIn.rejected'));
      else if (caught instanceof ProblemError && caught.status === 429) setMessage(t('signIn.lockedOut'));
      else {
        setMessage(undefined);
        setError(caught);
      }
    } finally {
      setChecking(false);
    }
  };

  return (
    <main className="sign-in">
      <form onSubmit={(event) => void submit(event)} aria-labelledby="sign-in-title">
        <h1 id="sign-in-title">{t('app.title')}</h1>
        <h2>{t('signIn.title')}</h2>
        <p>{t('signIn.intro')}</p>
        {message && (
          <p className="notice" role="status">
            {message}
          </p>
        )}
        <ErrorBanner error={error} />
        <label htmlFor={inputId}>{t('signIn.key')}</label>
        <input id={inputId} name="api-key" type="password" autoComplete="off" spellCheck={false} value={key} onChange={(event) => setKey(event.target.value)} autoFocus />
        <button type="submit" disabled={checking}>
          {checking ? t('signIn.checking') : t('signIn.submit')}
        </button>
      </form>
    </main>
  );
}
