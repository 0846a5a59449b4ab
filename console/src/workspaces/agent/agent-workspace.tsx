import { EmptyState } from '../../components/empty-state';
import { useText } from '../../i18n/use-text';
import type { Workspace } from '../workspace';
import en from './messages.en.json';
import zh from './messages.zh.json';

function AgentWorkspace() {
  const { t } = useText();
  return (
    <section className="workspace" aria-labelledby="agent-title">
      <h1 id="agent-title">{t('workspace.agent')}</h1>
      <EmptyState>{t('placeholder.comingSoon')}</EmptyState>
    </section>
  );
}

export const agentWorkspace: Workspace = { id: 'agent', titleKey: 'workspace.agent', messages: { zh, en }, Component: AgentWorkspace };
