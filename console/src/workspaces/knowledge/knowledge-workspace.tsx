import { useState } from 'react';
import { SubTabs } from '../../components/sub-tabs';
import { useText } from '../../i18n/use-text';
import type { Workspace, WorkspaceProps } from '../workspace';
import { DocumentsView } from './documents-view';
import { HitTestView } from './hit-test-view';
import en from './messages.en.json';
import zh from './messages.zh.json';
import { ReviewView } from './review-view';
import { UploadView } from './upload-view';
import { VersionViewer, type PassageTarget } from './version-viewer';

const views = ['documents', 'upload', 'hit', 'review'] as const;
type View = (typeof views)[number];

function KnowledgeWorkspace({ client }: WorkspaceProps) {
  const { t } = useText();
  const [view, setView] = useState<View>('documents');
  // Bumped after an upload or a decision, so every list reloads what changed.
  const [refreshKey, setRefreshKey] = useState(0);
  const [passage, setPassage] = useState<PassageTarget>();
  return (
    <section className="workspace" aria-labelledby="knowledge-title">
      <h1 id="knowledge-title">{t('workspace.knowledge')}</h1>
      <SubTabs idPrefix="knowledge" label={t('workspace.knowledge')} tabs={views.map((id) => ({ id, label: t(`knowledge.view.${id}`) }))} current={view} onSelect={(id) => setView(id as View)} />
      <div className={passage ? 'split' : undefined}>
        <div role="tabpanel" id={`knowledge-panel-${view}`} aria-labelledby={`knowledge-tab-${view}`}>
          {view === 'documents' && <DocumentsView client={client} refreshKey={refreshKey} onOpenPassage={setPassage} />}
          {view === 'upload' && <UploadView client={client} onUploaded={() => setRefreshKey((value) => value + 1)} />}
          {view === 'hit' && <HitTestView client={client} onOpenPassage={setPassage} />}
          {view === 'review' && <ReviewView client={client} refreshKey={refreshKey} onOpenPassage={setPassage} />}
        </div>
        {passage && <VersionViewer client={client} target={passage} onClose={() => setPassage(undefined)} />}
      </div>
    </section>
  );
}

export const knowledgeWorkspace: Workspace = { id: 'knowledge', titleKey: 'workspace.knowledge', messages: { zh, en }, Component: KnowledgeWorkspace };
