import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import en from './en.json';
import zh from './zh.json';

export type Language = 'zh' | 'en';
export type Catalogue = Record<string, string>;
export const languages: readonly Language[] = ['zh', 'en'];

/** The shell's own messages; each workspace adds its own catalogue (see workspaces/index.ts). */
export const shellCatalogues: Record<Language, Catalogue> = { zh, en };

const languageStorageKey = 'agent-assist.language';

/** Chinese first: English only when the user chose it, or the browser asks for English and nothing was chosen. */
export function initialLanguage(stored: string | null, browserLanguages: readonly string[]): Language {
  if (stored === 'zh' || stored === 'en') return stored;
  const first = browserLanguages[0]?.toLowerCase() ?? '';
  return first.startsWith('en') ? 'en' : 'zh';
}

/** `{name}` placeholders filled from params; a missing message shows its key, so a gap is visible, never blank. */
export function formatMessage(catalogue: Catalogue, key: string, params?: Record<string, string | number>): string {
  const template = catalogue[key] ?? key;
  return params ? template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole)) : template;
}

export interface TextContext {
  language: Language;
  setLanguage: (language: Language) => void;
  t: (key: string, params?: Record<string, string | number>) => string;
}

const Context = createContext<TextContext | undefined>(undefined);

export function TextProvider({ catalogues, children }: { catalogues: Record<Language, Catalogue>; children: ReactNode }) {
  const [language, setLanguageState] = useState<Language>(() => {
    let stored: string | null = null;
    try {
      stored = localStorage.getItem(languageStorageKey);
    } catch {
      // Storage disabled: fall back to the browser's language.
    }
    return initialLanguage(stored, typeof navigator === 'undefined' ? [] : navigator.languages);
  });
  const setLanguage = useCallback((next: Language) => {
    setLanguageState(next);
    try {
      localStorage.setItem(languageStorageKey, next);
    } catch {
      // Not kept across sessions; the choice still applies now.
    }
  }, []);
  // Screen readers and fonts follow the page's language.
  useEffect(() => {
    document.documentElement.lang = language === 'zh' ? 'zh-CN' : 'en';
  }, [language]);
  const value = useMemo<TextContext>(() => {
    const catalogue = catalogues[language];
    return { language, setLanguage, t: (key, params) => formatMessage(catalogue, key, params) };
  }, [catalogues, language, setLanguage]);
  return <Context.Provider value={value}>{children}</Context.Provider>;
}

export function useText(): TextContext {
  const value = useContext(Context);
  if (!value) throw new Error('useText() needs a <TextProvider> above it');
  return value;
}
