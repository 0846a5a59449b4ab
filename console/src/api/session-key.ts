/**
 * The API key lives in sessionStorage: it survives a reload of the tab but not closing it, is never written to a
 * cookie (so no request carries it implicitly) and never appears in a URL.
 */
const storageKey = 'agent-assist.api-key';

export function readSessionKey(): string | undefined {
  try {
    return sessionStorage.getItem(storageKey) ?? undefined;
  } catch {
    return undefined;
  }
}

export function writeSessionKey(key: string): void {
  sessionStorage.setItem(storageKey, key);
}

export function clearSessionKey(): void {
  try {
    sessionStorage.removeItem(storageKey);
  } catch {
    // Storage disabled: nothing was kept.
  }
}
