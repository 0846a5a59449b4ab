import { useState } from 'react';
import { SubTabs } from '../../components/sub-tabs';
import { useText } from '../../i18n/use-text';
import type { Workspace, WorkspaceProps } from '../workspace';
import { AuditView } from './audit-view';
import { CustomerVoiceView } from './customer-voice-view';
import { EvalView } from './eval-view';
import { InspectionsView } from './inspections-view';
import en from './messages.en.json';
import zh from './messages.zh.json';
import { RulesView } from './rules-view';
import { SentenceTestView } from './sentence-test-view';

const views = ['rules', 'test', 'evals', 'audit', 'inspections', 'voice'] as const;
type View = (typeof views)[number];

function ComplianceWorkspace({ client }: WorkspaceProps) {
  const { t } = useText();
  const [view, setView] = useState<View>('rules');
  return (
    <section className="workspace" aria-labelledby="compliance-title">
      <h1 id="compliance-title">{t('workspace.compliance')}</h1>
      <SubTabs idPrefix="compliance" label={t('workspace.compliance')} tabs={views.map((id) => ({ id, label: t(`compliance.view.${id}`) }))} current={view} onSelect={(id) => setView(id as View)} />
      <div role="tabpanel" id={`compliance-panel-${view}`} aria-labelledby={`compliance-tab-${view}`}>
        {view === 'rules' && <RulesView client={client} />}
        {view === 'test' && <SentenceTestView client={client} />}
        {view === 'evals' && <EvalView client={client} />}
        {view === 'audit' && <AuditView client={client} />}
        {view === 'inspections' && <InspectionsView client={client} />}
        {view === 'voice' && <CustomerVoiceView client={client} />}
      </div>
    </section>
  );
}

export const complianceWorkspace: Workspace = { id: 'compliance', titleKey: 'workspace.compliance', messages: { zh, en }, Component: ComplianceWorkspace };
