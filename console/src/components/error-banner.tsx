import { ProblemError } from '../api/problem-error';
import { useText } from '../i18n/use-text';

/** What to tell the user about a failure: the API's own words for 4xx, a plain message for 5xx and the network. */
export function describeError(error: unknown, t: (key: string) => string): { message: string; details: string[]; requestId?: string } {
  if (error instanceof ProblemError) {
    const { problem } = error;
    const requestId = problem.requestId ? { requestId: problem.requestId } : {};
    if (problem.status === 0) return { message: t('error.network'), details: [problem.detail].filter(Boolean), ...requestId };
    if (problem.status >= 500) return { message: t('error.server'), details: [`${problem.status} ${problem.title}`], ...requestId };
    if (problem.status === 403) return { message: t('error.forbidden'), details: [problem.detail].filter(Boolean), ...requestId };
    const details = (problem.errors ?? []).map((item) => `${item.field}: ${item.message}`);
    return { message: `${problem.title}: ${problem.detail}`, details, ...requestId };
  }
  return { message: error instanceof Error ? error.message : String(error), details: [] };
}

export function ErrorBanner({ error, onDismiss }: { error: unknown; onDismiss?: () => void }) {
  const { t } = useText();
  if (error === undefined || error === null) return null;
  const { message, details, requestId } = describeError(error, t);
  return (
    <div className="error-banner" role="alert">
      <strong>{t('error.title')}</strong> <span className="error-message">{message}</span>
      {details.length > 0 && (
        <ul>
          {details.map((detail) => (
            <li key={detail}>{detail}</li>
          ))}
        </ul>
      )}
      {requestId && (
        <div className="error-request-id">
          {t('error.requestId')}: <code>{requestId}</code>
        </div>
      )}
      {onDismiss && (
        <button type="button" className="link-button" onClick={onDismiss}>
          {t('error.dismiss')}
        </button>
      )}
    </div>
  );
}
