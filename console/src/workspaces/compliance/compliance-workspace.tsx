import { EmptyState } from '../../components/empty-state';
import { useText } from '../../i18n/use-text';
import type { Workspace } from '../workspace';
import en from './messages.en.json';
import zh from './messages.zh.json';

function ComplianceWorkspace() {
  const { t } = useText();
  return (
    <section className="workspace" aria-labelledby="compliance-title">
      <h1 id="compliance-title">{t('workspace.compliance')}</h1>
      <EmptyState>{t('placeholder.comingSoon')}</EmptyState>
    </section>
  );
}

export const complianceWorkspace: Workspace = { id: 'compliance', titleKey: 'workspace.compliance', messages: { zh, en }, Component: ComplianceWorkspace };
