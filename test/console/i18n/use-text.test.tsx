// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import { mergeCatalogues } from '../../../console/src/app';
import { formatMessage, initialLanguage } from '../../../console/src/i18n/use-text';
import { workspaces } from '../../../console/src/workspaces/index';

describe('message catalogues', () => {
  it('have every key in both zh and en, shell and workspaces alike, with the same placeholders', () => {
    const { zh, en } = mergeCatalogues(workspaces);
    expect(Object.keys(zh).sort()).toEqual(Object.keys(en).sort());
    const placeholders = (text: string) => (text.match(/\{\w+\}/g) ?? []).sort();
    for (const key of Object.keys(zh)) expect(placeholders(zh[key] ?? ''), key).toEqual(placeholders(en[key] ?? ''));
    for (const workspace of workspaces) {
      expect(Object.keys(workspace.messages.zh).sort(), workspace.id).toEqual(Object.keys(workspace.messages.en).sort());
      expect(zh[workspace.titleKey], workspace.id).toBeTruthy();
    }
  });

  it('fills placeholders and shows the key of a missing message', () => {
    expect(formatMessage({ a: '{n} 条卡片' }, 'a', { n: 3 })).toBe('3 条卡片');
    expect(formatMessage({}, 'agent.missing')).toBe('agent.missing');
  });

  it('starts in Chinese unless English was chosen or the browser asks for it', () => {
    expect(initialLanguage(null, [])).toBe('zh');
    expect(initialLanguage(null, ['en-GB', 'zh-CN'])).toBe('en');
    expect(initialLanguage('zh', ['en-US'])).toBe('zh');
    expect(initialLanguage('fr', ['zh-TW'])).toBe('zh');
  });
});
