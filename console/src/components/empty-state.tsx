import type { ReactNode } from 'react';
import { useText } from '../i18n/use-text';

export function EmptyState({ children }: { children?: ReactNode }) {
  const { t } = useText();
  return <p className="empty-state">{children ?? t('empty.nothing')}</p>;
}
