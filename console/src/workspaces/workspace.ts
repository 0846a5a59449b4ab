import type { ComponentType } from 'react';
import type { ApiClient } from '../api/api-client';
import type { Catalogue, Language } from '../i18n/use-text';

export interface WorkspaceProps {
  client: ApiClient;
}

/** A tab of the console: its own page, path segment and message catalogue (keys prefixed with its id). */
export interface Workspace {
  /** The path segment: /console/<id>. */
  id: string;
  /** Message key of the tab's title. */
  titleKey: string;
  messages: Record<Language, Catalogue>;
  Component: ComponentType<WorkspaceProps>;
}
