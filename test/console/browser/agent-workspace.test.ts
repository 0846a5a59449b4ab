import { existsSync, mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumPath, ensureConsoleBuilt, requireOrSkipBrowser, launchChromium, startConsoleService, type ConsoleService } from '../../support/console-service.js';

const screenshots = resolve('test-results/console');
const hasChromium = existsSync(chromiumPath);
requireOrSkipBrowser(hasChromium);

let service: ConsoleService;
let browser: Browser;

/** A few files of the sample base (credit-card fees and their approved wording): cards and cited suggestions, quickly loaded. */
const knowledgeFiles = ['zh/products/cc-fees.md', 'zh/products/cc-platinum.md', 'zh/scripts/fee-questions.md'];

async function newPage(): Promise<{ page: Page; problems: string[] }> {
  const context = await browser.newContext({ viewport: { width: 1366, height: 768 }, locale: 'zh-CN' });
  const page = await context.newPage();
  const problems: string[] = [];
  // A CSP refusal or a script error is a failure of the console, whatever the test checks.
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error' && /Content Security Policy|Refused to/i.test(message.text())) problems.push(message.text());
  });
  return { page, problems };
}

async function signIn(page: Page, key: string): Promise<void> {
  await page.goto(`${service.baseUrl}/console`);
  await page.fill('input[name=api-key]', key);
  await page.click('form button[type=submit]');
  await page.waitForSelector('.shell-header');
}

async function startCall(page: Page, options: { age?: number; riskLevel?: string } = {}): Promise<void> {
  if (options.age !== undefined) await page.fill('.start-call input[type=number]', String(options.age));
  if (options.riskLevel) await page.selectOption('.start-call select >> nth=2', options.riskLevel);
  await page.click('.start-call button[type=submit]');
  await page.waitForSelector('#turn-text');
  await page.waitForSelector('[data-stream-state=open]');
}

async function say(page: Page, speaker: 'customer' | 'agent', text: string): Promise<void> {
  await page.check(`.speaker-switch input[value=${speaker}]`);
  await page.fill('#turn-text', text);
  await page.keyboard.press('Enter');
  // Locators, not page functions: waitForFunction evaluates strings, which the console's CSP (no unsafe-eval) refuses.
  await page.locator('.turn-text', { hasText: text }).first().waitFor();
}

describe.skipIf(!hasChromium)('agent workspace in a real browser', () => {
  beforeAll(async () => {
    mkdirSync(screenshots, { recursive: true });
    await ensureConsoleBuilt();
    service = await startConsoleService({ knowledgeFiles });
    browser = await launchChromium();
    // Under a full parallel test run on two cores, starting the service and loading knowledge can take a while.
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await service?.close();
  });

  it('refuses a wrong key with a clear message, then signs in with a real one', async () => {
    const { page, problems } = await newPage();
    await page.goto(`${service.baseUrl}/console`);
    expect(page.url()).toBe(`${service.baseUrl}/console/`);
    await page.fill('input[name=api-key]', 'aa_not-a-real-key');
    await page.click('form button[type=submit]');
    await page.waitForSelector('.notice');
    expect(await page.textContent('.notice')).toContain('密钥无效');
    const agent = await service.createKey('agent');
    await signIn(page, agent.key);
    // The key is in the session, not the URL.
    expect(page.url()).not.toContain(agent.key);
    expect(await page.evaluate("sessionStorage.getItem('agent-assist.api-key')")).toBe(agent.key);
    for (const workspace of ['knowledge', 'compliance', 'agent']) {
      await page.click(`nav a[data-workspace=${workspace}]`);
      expect(page.url()).toBe(`${service.baseUrl}/console/${workspace}`);
      await page.screenshot({ path: `${screenshots}/${workspace}-workspace.png` });
    }
    // Switching to English changes the UI text, and back.
    await page.selectOption('.shell-tools select', 'en');
    expect(await page.textContent('.start-call h2')).toBe('Start a call');
    await page.selectOption('.shell-tools select', 'zh');
    expect(problems).toEqual([]);
    await page.context().close();
  });

  it('runs a call: a card, a streamed suggestion with its source, feedback, an alert, then the summary confirmed', { timeout: 180_000 }, async () => {
    const agent = await service.createKey('agent');
    const { page, problems } = await newPage();
    const suggestionContentTypes: string[] = [];
    page.on('response', (response) => {
      if (response.url().endsWith('/suggestions') && response.request().method() === 'POST') suggestionContentTypes.push(response.headers()['content-type'] ?? '');
    });
    await signIn(page, agent.key);
    await startCall(page, { age: 67, riskLevel: 'C2' });
    expect(await page.getAttribute('[data-badge=elderly]', 'data-badge')).toBe('elderly');
    expect(await page.textContent('[data-badge=risk]')).toContain('C2');

    await say(page, 'customer', '请问信用卡的年费是怎么收的？');
    await page.waitForSelector('[data-card]');
    const cardTitles = await page.$$eval('[data-card] .card-title', (nodes) => nodes.map((node) => node.textContent ?? ''));
    expect(cardTitles.length).toBeGreaterThan(0);
    expect(cardTitles.join(' ')).toMatch(/年费/);

    await page.waitForSelector('[data-suggestion-id]');
    expect(suggestionContentTypes[0]).toContain('text/event-stream');

    // The citation opens the passage inside the version that was cited.
    const citation = page.locator('[data-citation]').first();
    const citationText = (await citation.textContent()) ?? '';
    const citedVersion = /v(\d+)/.exec(citationText)?.[1];
    await citation.click();
    await page.waitForSelector('[data-cited=true]');
    expect(await page.getAttribute('[data-passage-version]', 'data-passage-version')).toBe(citedVersion);
    await page.keyboard.press('Escape');
    await page.waitForSelector('[role=dialog]', { state: 'detached' });

    // One click uses a suggestion: recorded by the feedback API and put into the reply box.
    const first = page.locator('[data-suggestion-id]').first();
    const suggestionId = await first.getAttribute('data-suggestion-id');
    const suggestionText = (await first.locator('.suggestion-text').textContent()) ?? '';
    await first.locator('.actions button').first().click();
    await first.locator('.feedback-given').waitFor();
    expect(await page.inputValue('#turn-text')).toBe(suggestionText.trim());
    const audit = await fetch(`${service.baseUrl}/v1/audit/suggestions?limit=50`, { headers: { authorization: `Bearer ${service.adminKey}` } }).then((response) => response.json() as Promise<{ items: { id: string; feedback: { action: string }[] }[] }>);
    expect(audit.items.find((item) => item.id === suggestionId)?.feedback.map((given) => given.action)).toEqual(['accepted']);

    // Dismissing another one asks for a reason.
    const second = page.locator('[data-suggestion-id]').nth(1);
    if ((await second.count()) > 0) {
      await second.locator('.actions button').nth(2).click();
      await second.locator('.feedback-form button[type=submit]').click();
      await second.locator('.feedback-given').waitFor();
    }

    await say(page, 'agent', '这款理财产品保本保收益，您放心买。');
    await page.waitForSelector('[data-alert][data-severity=critical]');
    expect(await page.locator('.turn-agent mark.evidence').count()).toBeGreaterThan(0);
    expect(await page.locator('[data-alert] .alert-fix').count()).toBeGreaterThan(0);
    await page.screenshot({ path: `${screenshots}/agent-call.png` });

    await page.click('.end-call');
    await page.waitForSelector('.summary-form', { timeout: 60_000 });
    await page.fill('.summary-form textarea >> nth=0', '客户咨询信用卡年费');
    const saved = page.waitForResponse((response) => /\/v1\/conversations\/[^/]+\/summary$/.test(response.url()) && response.request().method() === 'PUT');
    await page.click('.summary-form button[type=submit]');
    const savedResponse = await saved;
    expect(savedResponse.status()).toBe(200);
    await page.waitForSelector('[data-summary-state=confirmed]');
    // The service holds the agent's version, signed off by the agent's key, with the generated one kept.
    const summaryUrl = savedResponse.url();
    const stored = (await (await fetch(summaryUrl, { headers: { authorization: `Bearer ${service.adminKey}` } })).json()) as { summary: { reason: string }; confirmed: boolean; confirmedBy: string; edited: boolean; original?: { reason: string } };
    expect(stored).toMatchObject({ confirmed: true, confirmedBy: agent.id, edited: true, summary: { reason: '客户咨询信用卡年费' } });
    expect(stored.original?.reason).not.toBe('客户咨询信用卡年费');
    expect(await page.locator('.summary .confirmed').textContent()).toContain(agent.id);
    await page.screenshot({ path: `${screenshots}/agent-summary.png` });
    expect(problems).toEqual([]);
    await page.context().close();
  });

  it('reconnects the event stream with Last-Event-ID after a drop and shows each card once', async () => {
    const agent = await service.createKey('agent');
    const { page, problems } = await newPage();
    const resumedFrom: string[] = [];
    page.on('request', (request) => {
      if (request.url().endsWith('/events')) resumedFrom.push(request.headers()['last-event-id'] ?? '');
    });
    await signIn(page, agent.key);
    await startCall(page);
    // No suggestions: this test is about the event stream.
    await page.uncheck('.workspace-heading input[type=checkbox]');
    await say(page, 'customer', '信用卡年费多少钱？');
    await page.waitForSelector('[data-card-set]');
    // Cut every open connection on the server side, the event stream included.
    service.app.server.closeAllConnections();
    await page.locator('[data-stream-state]:not([data-stream-state=open])').waitFor({ timeout: 5_000 }).catch(() => undefined);
    await page.waitForSelector('[data-stream-state=open]');
    await say(page, 'customer', '那白金卡的年费呢？');
    await page.locator('[data-card-set]').nth(1).waitFor();
    const sets = await page.$$eval('[data-card-set]', (nodes) => nodes.map((node) => node.getAttribute('data-card-set')));
    expect(new Set(sets).size).toBe(sets.length);
    expect(sets).toHaveLength(2);
    expect(resumedFrom[0]).toBe('0');
    expect(resumedFrom.length).toBeGreaterThanOrEqual(2);
    expect(Number(resumedFrom.at(-1))).toBeGreaterThan(0);
    expect(problems).toEqual([]);
    await page.context().close();
  });

  it('shows an API 5xx as a visible error without losing the page', async () => {
    const agent = await service.createKey('agent');
    const { page } = await newPage();
    await signIn(page, agent.key);
    await startCall(page);
    await page.route('**/v1/conversations/*/turns', (route) =>
      route.fulfill({ status: 500, contentType: 'application/problem+json', body: JSON.stringify({ type: 'https://agent-assist.dev/problems/internal_error', title: 'Internal server error', status: 500, detail: 'x', requestId: 'req-browser-500' }) }),
    );
    await page.fill('#turn-text', '你好');
    await page.keyboard.press('Enter');
    const alert = page.locator('.workspace-heading + .error-banner, .agent-workspace > .error-banner').first();
    await alert.waitFor();
    expect(await alert.textContent()).toContain('req-browser-500');
    // The call is still there, with what was typed.
    expect(await page.inputValue('#turn-text')).toBe('你好');
    await page.context().close();
  });

  it('sends a revoked key back to sign-in with a message, even with only the event stream open', async () => {
    const agent = await service.createKey('agent');
    const { page } = await newPage();
    await signIn(page, agent.key);
    await startCall(page);
    await service.runtime.services.apiKeys.revoke(agent.id);
    // The stream gets an `error` event (401) within seconds; the console ends the session by itself.
    await page.waitForSelector('.sign-in', { timeout: 15_000 });
    expect(await page.textContent('.sign-in .notice')).toContain('请重新登录');
    expect(await page.evaluate("sessionStorage.getItem('agent-assist.api-key')")).toBeNull();
    await page.context().close();
  });
});
