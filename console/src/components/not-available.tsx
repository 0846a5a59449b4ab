import { isMissingRoute } from '../api/missing-route';
import { useText } from '../i18n/use-text';
import { ErrorBanner } from './error-banner';

/** A view's failure: "not available on this server" when the route is missing, else the error banner. */
export function RequestFailure({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  const { t } = useText();
  if (error === undefined || error === null) return null;
  if (isMissingRoute(error)) {
    return (
      <p className="not-available" data-testid="not-available">
        {t('notAvailable.message')}
      </p>
    );
  }
  return (
    <div>
      <ErrorBanner error={error} />
      {onRetry && (
        <button type="button" className="secondary" onClick={onRetry}>
          {t('notAvailable.retry')}
        </button>
      )}
    </div>
  );
}
