import { useEffect, useMemo, useState, type MouseEvent } from 'react';
import { ApiClient } from './api/api-client';
import { clearSessionKey, readSessionKey, writeSessionKey } from './api/session-key';
import { languages, shellCatalogues, TextProvider, useText, type Catalogue, type Language } from './i18n/use-text';
import { SignInPage, type SignInNotice } from './sign-in/sign-in-page';
import { workspaces } from './workspaces/index';
import type { Workspace } from './workspaces/workspace';

const basePath = '/console';

/** The workspace a path names (/console/<id>/...); the first one for /console/ or an unknown id. */
export function workspaceFromPath(pathname: string, list: readonly Workspace[]): Workspace {
  const segment = pathname.startsWith(`${basePath}/`) ? pathname.slice(basePath.length + 1).split('/')[0] : '';
  const first = list[0];
  if (!first) throw new Error('the console has no workspace');
  return list.find((workspace) => workspace.id === segment) ?? first;
}

/** The shell's messages and every workspace's, one catalogue per language. */
export function mergeCatalogues(list: readonly Workspace[]): Record<Language, Catalogue> {
  const merged = { zh: { ...shellCatalogues.zh }, en: { ...shellCatalogues.en } };
  for (const workspace of list) for (const language of languages) Object.assign(merged[language], workspace.messages[language]);
  return merged;
}

function Shell({ client, onSignOut }: { client: ApiClient; onSignOut: () => void }) {
  const { t, language, setLanguage } = useText();
  const [current, setCurrent] = useState(() => workspaceFromPath(location.pathname, workspaces));
  // Workspaces stay mounted once opened: a call in progress survives a look at the knowledge base.
  const [opened, setOpened] = useState<ReadonlySet<string>>(() => new Set([current.id]));

  useEffect(() => {
    const onPopState = () => setCurrent(workspaceFromPath(location.pathname, workspaces));
    addEventListener('popstate', onPopState);
    return () => removeEventListener('popstate', onPopState);
  }, []);
  useEffect(() => {
    setOpened((previous) => (previous.has(current.id) ? previous : new Set([...previous, current.id])));
    document.title = `${t(current.titleKey)} · ${t('app.title')}`;
  }, [current, t]);

  const open = (workspace: Workspace) => (event: MouseEvent) => {
    if (event.metaKey || event.ctrlKey || event.shiftKey || event.button !== 0) return;
    event.preventDefault();
    history.pushState(null, '', `${basePath}/${workspace.id}`);
    setCurrent(workspace);
  };

  return (
    <div className="shell">
      <header className="shell-header">
        <span className="brand">{t('app.title')}</span>
        <nav aria-label={t('app.workspaces')}>
          {workspaces.map((workspace) => (
            <a key={workspace.id} href={`${basePath}/${workspace.id}`} aria-current={workspace.id === current.id ? 'page' : undefined} onClick={open(workspace)} data-workspace={workspace.id}>
              {t(workspace.titleKey)}
            </a>
          ))}
        </nav>
        <div className="shell-tools">
          <label>
            <span className="visually-hidden">{t('app.language')}</span>
            <select value={language} onChange={(event) => setLanguage(event.target.value as Language)} aria-label={t('app.language')}>
              <option value="zh">中文</option>
              <option value="en">English</option>
            </select>
          </label>
          <button type="button" onClick={onSignOut}>
            {t('app.signOut')}
          </button>
        </div>
      </header>
      {workspaces
        .filter((workspace) => opened.has(workspace.id) || workspace.id === current.id)
        .map((workspace) => (
          <main key={workspace.id} hidden={workspace.id !== current.id} id={`workspace-${workspace.id}`}>
            <workspace.Component client={client} />
          </main>
        ))}
    </div>
  );
}

function Session() {
  const [key, setKey] = useState(readSessionKey);
  const [notice, setNotice] = useState<SignInNotice>();
  const client = useMemo(
    () =>
      new ApiClient({
        getKey: readSessionKey,
        onUnauthenticated: () => {
          clearSessionKey();
          setKey(undefined);
          setNotice('expired');
        },
      }),
    [],
  );
  if (!key) {
    return (
      <SignInPage
        key={notice ?? 'fresh'}
        notice={notice}
        onSignedIn={(accepted) => {
          writeSessionKey(accepted);
          setKey(accepted);
          setNotice(undefined);
        }}
      />
    );
  }
  return (
    <Shell
      key={key}
      client={client}
      onSignOut={() => {
        clearSessionKey();
        setKey(undefined);
        setNotice('signedOut');
      }}
    />
  );
}

export function App() {
  const catalogues = useMemo(() => mergeCatalogues(workspaces), []);
  return (
    <TextProvider catalogues={catalogues}>
      <Session />
    </TextProvider>
  );
}
