import { EmptyState } from '../../components/empty-state';
import { useText } from '../../i18n/use-text';
import type { Workspace } from '../workspace';
import en from './messages.en.json';
import zh from './messages.zh.json';

function KnowledgeWorkspace() {
  const { t } = useText();
  return (
    <section className="workspace" aria-labelledby="knowledge-title">
      <h1 id="knowledge-title">{t('workspace.knowledge')}</h1>
      <EmptyState>{t('placeholder.comingSoon')}</EmptyState>
    </section>
  );
}

export const knowledgeWorkspace: Workspace = { id: 'knowledge', titleKey: 'workspace.knowledge', messages: { zh, en }, Component: KnowledgeWorkspace };
