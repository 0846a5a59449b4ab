import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * The knowledge and compliance workspaces in a real browser (Debian's chromium) against the real, built service on
 * a fresh data dir without the sample base: upload a document and see it listed, hit-test it, test a sentence, run
 * an eval suite and open its report. Screenshots of each workspace go to test-results/console/.
 * Needs `npm run build` first (dist/cli.js and dist/console).
 */
const root = process.cwd();
const chromiumPath = '/usr/bin/chromium';
const adminKey = 'browser-test-admin-key-0000';
const screenshots = join(root, 'test-results', 'console');

let server: ChildProcess | undefined;
let browser: Browser | undefined;
let page: Page;
let base = '';
let dataDir = '';
let evalsDir = '';
let serverLog = '';

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** A call of the public API as the admin (setting up what the page then works on). */
async function api<T>(method: string, path: string, body?: unknown, key = adminKey): Promise<T> {
  const response = await fetch(`${base}${path}`, { method, headers: { authorization: `Bearer ${key}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${text}`);
  return (text ? JSON.parse(text) : undefined) as T;
}

async function waitForReady(url: string, deadline: number): Promise<void> {
  while (Date.now() < deadline) {
    if (server?.exitCode !== null && server?.exitCode !== undefined) throw new Error(`the service exited (${server.exitCode}):\n${serverLog}`);
    const ready = await fetch(`${url}/readyz`).then((response) => response.ok, () => false);
    if (ready) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`the service did not become ready:\n${serverLog}`);
}

beforeAll(async () => {
  for (const built of ['dist/cli.js', 'dist/console/index.html']) if (!existsSync(join(root, built))) throw new Error(`${built} is missing: run npm run build before the browser tests`);
  if (!existsSync(chromiumPath)) throw new Error(`${chromiumPath} is missing: install Debian's chromium (apt-get install chromium)`);
  dataDir = await mkdtemp(join(tmpdir(), 'console-browser-'));
  // The repository's gate suites need the sample base; this one gates compliance documents on a document the review
  // test creates, and the eval test's suite is the repository's own.
  evalsDir = await mkdtemp(join(tmpdir(), 'console-evals-'));
  await copyFile(join(root, 'evals', 'suites', 'compliance-en.yaml'), join(evalsDir, 'compliance-en.yaml'));
  await writeFile(
    join(evalsDir, 'gate-retrieval.yaml'),
    [
      'name: gate-retrieval',
      'description: Browser test gate for compliance documents.',
      'gate: { kinds: [compliance] }',
      'cases:',
      '  - id: gate-atm-fee',
      '    kind: retrieval',
      '    query: how much is the fee for an overseas ATM withdrawal',
      '    expect: { goldDocuments: [browser-atm-fees] }',
      '',
    ].join('\n'),
  );
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  server = spawn(process.execPath, ['dist/cli.js', 'serve'], {
    cwd: root,
    env: { PATH: process.env.PATH ?? '', DATA_DIR: dataDir, PORT: String(port), HOST: '127.0.0.1', ADMIN_API_KEY: adminKey, SEED_SAMPLE_KNOWLEDGE: 'false', LOG_LEVEL: 'warn', REVIEW_REQUIRED_KINDS: 'compliance', EVALS_DIR: evalsDir },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  server.stdout?.on('data', (chunk: Buffer) => (serverLog += chunk.toString()));
  server.stderr?.on('data', (chunk: Buffer) => (serverLog += chunk.toString()));
  const browserStarting = chromium.launch({ executablePath: chromiumPath, headless: true, args: ['--no-sandbox', '--disable-background-networking', '--disable-dev-shm-usage'] });
  // Generous: on a loaded 2-core machine a fresh PGlite data dir takes tens of seconds to migrate (over 120 s at a
  // load average of 20 with the agent browser file starting its own service beside it).
  await waitForReady(base, Date.now() + 200_000);
  browser = await browserStarting;
  page = await browser.newPage({ viewport: { width: 1366, height: 768 }, locale: 'en-US' });
  await mkdir(screenshots, { recursive: true });
  await page.goto(`${base}/console/knowledge`);
  await page.locator('input[name="api-key"]').fill(adminKey);
  await page.locator('button[type="submit"]').click();
  await page.locator('#knowledge-title').waitFor();
}, 240_000);

afterAll(async () => {
  await browser?.close();
  if (server && server.exitCode === null) {
    const exited = new Promise((resolve) => server?.once('exit', resolve));
    server.kill('SIGTERM');
    await exited;
  }
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
  if (evalsDir) await rm(evalsDir, { recursive: true, force: true });
});

describe('knowledge workspace in a browser', () => {
  it('uploads a document with progress and lists it; a refused file shows the problem beside it', async () => {
    const files = await mkdtemp(join(tmpdir(), 'console-upload-'));
    const good = join(files, 'travel-card-fees.md');
    await writeFile(good, '# Travel card fees\n\nThe travel card charges no foreign transaction fee.\n\n## Lounge access\n\nFour free airport lounge visits a year.\n');
    const bad = join(files, 'notes.xyz');
    await writeFile(bad, 'a file of no known format');
    await page.getByRole('tab', { name: 'Upload' }).click();
    await page.locator('input[type="file"][name="file"]').setInputFiles([good, bad]);
    await page.locator('input[name="product"]').fill('Travel card');
    await page.locator('input[name="owner"]').fill('cards-team');
    await page.getByRole('button', { name: 'Upload', exact: true }).click();
    await page.locator('[data-file="travel-card-fees.md"][data-state="done"]').waitFor();
    const refused = page.locator('[data-file="notes.xyz"][data-state="failed"]');
    await refused.waitFor();
    // The API's own words, naming the field, next to the file.
    expect(await refused.getByRole('alert').textContent()).toContain('format');
    expect(await page.locator('[data-file="travel-card-fees.md"] progress').getAttribute('value')).toBe(await page.locator('[data-file="travel-card-fees.md"] progress').getAttribute('max'));
    await rm(files, { recursive: true, force: true });

    await page.getByRole('tab', { name: 'Documents' }).click();
    await page.locator('select[name="owner"]').selectOption('cards-team');
    const row = page.locator('[data-testid="document-table"] tbody tr');
    await expect.poll(() => row.count()).toBe(1);
    expect(await row.first().textContent()).toContain('Travel card fees');
    await row.first().getByRole('button').click();
    await page.locator('[data-testid="document-detail"] svg.timeline [data-served="true"]').waitFor();
    await page.screenshot({ path: join(screenshots, 'knowledge-documents.png') });
  });

  it('hit-tests a question: ranked results with each leg and the matched words, and opens the passage', async () => {
    await page.getByRole('tab', { name: 'Hit testing' }).click();
    await page.locator('textarea[name="query"]').fill('is there a foreign transaction fee on the travel card');
    await page.getByRole('button', { name: 'Search' }).click();
    const first = page.locator('[data-testid="hit-results"] li[data-rank="1"]');
    await first.waitFor();
    expect(await first.textContent()).toContain('Travel card fees');
    expect(await first.locator('[data-leg="lexical"]').textContent()).toMatch(/#1 · \d/);
    expect((await first.locator('mark').allTextContents()).map((word) => word.toLowerCase())).toContain('foreign');
    await first.getByRole('button', { name: 'Open the passage and its version' }).click();
    await page.locator('[data-testid="version-viewer"] .passage.focused').waitFor();
    await page.screenshot({ path: join(screenshots, 'knowledge-hit-testing.png') });
  });

  it('says "not available" for the review queue on a server without the review routes, never a blank screen', async () => {
    await page.getByRole('tab', { name: 'Review queue' }).click();
    const review = page.locator('#knowledge-panel-review');
    await review.locator('h2').first().waitFor();
    // Either the routes exist (an empty queue) or the view says they are missing: no error banner in both cases.
    await expect.poll(async () => (await review.locator('[data-testid="not-available"]').count()) + (await review.locator('.empty-state').count())).toBeGreaterThan(0);
    expect(await review.locator('.error-banner').count()).toBe(0);
    await page.screenshot({ path: join(screenshots, 'knowledge-review.png') });
  });
});

describe('knowledge review in a browser', () => {
  it('uploads a compliance document as a draft, submits it through the eval gate and has another key approve it', async () => {
    // The document the gate's retrieval case expects (a product: published without review).
    await api('POST', '/v1/knowledge/documents', { title: 'Debit card fees', kind: 'product', format: 'markdown', language: 'en', externalId: 'browser-atm-fees', body: '# Debit card fees\n\nAn overseas ATM withdrawal costs a fee of 1% of the amount, at least 12 yuan.\n' });
    const files = await mkdtemp(join(tmpdir(), 'console-review-'));
    const file = join(files, 'overseas-atm-withdrawals.md');
    await writeFile(file, '# Overseas ATM withdrawals\n\nEach overseas ATM withdrawal costs 1% of the amount, at least 12 yuan.\n');
    await page.getByRole('tab', { name: 'Upload' }).click();
    await page.locator('input[type="file"][name="file"]').setInputFiles([file]);
    await page.locator('select[name="kind"]').selectOption('compliance');
    await page.locator('input[name="owner"]').fill('atm-team');
    await page.getByRole('button', { name: 'Upload', exact: true }).click();
    await page.locator('[data-file="overseas-atm-withdrawals.md"][data-state="done"]').waitFor();
    await rm(files, { recursive: true, force: true });

    // The admin wrote it and submits it: its eval gate runs.
    await page.getByRole('tab', { name: 'Review queue' }).click();
    const item = page.locator('[data-testid="review-queue"] li', { hasText: 'Overseas ATM withdrawals' });
    await item.waitFor();
    expect(await item.getAttribute('data-review-status')).toBe('draft');
    await item.getByRole('button', { name: 'Submit for review' }).click();
    await expect.poll(() => item.getAttribute('data-review-status'), { timeout: 15_000 }).toBe('submitted');
    const checks = item.getByRole('button', { name: 'Eval-gate checks' });
    await expect
      .poll(
        async () => {
          await checks.click();
          return (await item.locator('[data-testid^="review-actions"] table tbody').textContent({ timeout: 5_000 }).catch(() => '')) ?? '';
        },
        { timeout: 120_000, interval: 2_000 },
      )
      .toMatch(/passed|blocked|error/);
    expect(await item.locator('[data-testid^="review-actions"] table tbody').textContent()).toMatch(/^passed/);
    // Four eyes: its author cannot approve it, and the page says so.
    await item.getByRole('button', { name: 'Approve' }).click();
    await expect.poll(async () => (await item.getByRole('alert').textContent().catch(() => '')) ?? '').toMatch(/another|author|four/i);
    await page.screenshot({ path: join(screenshots, 'knowledge-review-gate.png') });

    // A knowledge owner's key approves it in its own session.
    const approver = await api<{ key: string }>('POST', '/v1/keys', { role: 'knowledge_owner', name: 'approver' });
    const context = await browser!.newContext({ viewport: { width: 1366, height: 768 }, locale: 'en-US' });
    const second = await context.newPage();
    await second.goto(`${base}/console/knowledge`);
    await second.locator('input[name="api-key"]').fill(approver.key);
    await second.locator('button[type="submit"]').click();
    await second.getByRole('tab', { name: 'Review queue' }).click();
    const pending = second.locator('[data-testid="review-queue"] li', { hasText: 'Overseas ATM withdrawals' });
    expect(await pending.getAttribute('data-gate')).toBe('passed');
    await pending.getByRole('button', { name: 'Approve' }).click();
    await expect.poll(() => pending.count(), { timeout: 15_000 }).toBe(0);
    await context.close();
    const documents = await api<{ items: { title: string; status: string }[] }>('GET', '/v1/knowledge/documents?limit=100');
    expect(documents.items.filter((document) => document.title === 'Overseas ATM withdrawals').map((document) => document.status)).toEqual(['approved']);
  }, 180_000);
});

describe('compliance workspace in a browser', () => {
  it('lists rule packs and tests a sentence with explain', async () => {
    await page.locator('[data-workspace="compliance"]').click();
    await page.locator('#compliance-title').waitFor();
    await page.locator('[data-rule-id]').first().waitFor();
    await page.locator('[data-rule-id] button').first().click();
    // The rule's own examples come from GET /v1/compliance/rules/:id.
    await page.locator('[data-testid="rule-detail"] h3', { hasText: 'Violating examples' }).waitFor();
    await page.screenshot({ path: join(screenshots, 'compliance-rules.png') });
    await page.getByRole('tab', { name: 'Test a sentence' }).click();
    await page.locator('textarea[name="text"]').fill('This fund is guaranteed to pay 8% a year, you cannot lose money.');
    await page.getByRole('button', { name: 'Check' }).click();
    const result = page.locator('[data-testid="check-result"]');
    await result.waitFor();
    expect(await result.getAttribute('data-verdict')).toBe('fail');
    expect(await result.locator('[data-severity]').count()).toBeGreaterThan(0);
    expect(await result.locator('.passage mark').count()).toBeGreaterThan(0);
    await page.screenshot({ path: join(screenshots, 'compliance-test-sentence.png') });
  });

  it('runs an eval suite, follows it to the end and opens its HTML report inside the console', async () => {
    await page.getByRole('tab', { name: 'Eval suites' }).click();
    await page.locator('input[name="suite"]').fill('compliance-en');
    await page.getByRole('button', { name: 'Run', exact: true }).click();
    const detail = page.locator('[data-testid="run-detail"]');
    await expect.poll(() => detail.getAttribute('data-status'), { timeout: 60_000, interval: 500 }).toMatch(/passed|failed/);
    await page.getByRole('button', { name: 'Open the HTML report' }).click();
    const frame = page.frameLocator('[data-testid="eval-report"]');
    // The report's script rendered it (#app is empty when the CSP blocks the script: the JSON alone would not show).
    await expect.poll(async () => (await frame.locator('#app').textContent({ timeout: 10_000 })) ?? '', { timeout: 15_000 }).toContain('compliance-en');
    expect(await frame.locator('#app table').count()).toBeGreaterThan(0);
    await page.screenshot({ path: join(screenshots, 'compliance-evals.png') });
  }, 90_000);

  it('reviews an imported call\'s inspection: its scorecard, then overturned with a comment', async () => {
    const report = await api<{ imported: number }>('POST', '/v1/calls/import', {
      calls: [
        {
          externalId: 'browser-import-1',
          agent: 'agent-17',
          team: 'wealth',
          channel: 'voice',
          language: 'en',
          startedAt: new Date(Date.now() - 3_600_000).toISOString(),
          turns: [
            { speaker: 'agent', text: 'Good morning, how can I help?' },
            { speaker: 'customer', text: 'I want to put my savings into your new fund.' },
            { speaker: 'agent', text: 'Sure, that fund is guaranteed to pay eight percent, you cannot lose money.' },
            { speaker: 'customer', text: 'Great, sign me up.' },
          ],
        },
      ],
    });
    expect(report.imported).toBe(1);
    await page.getByRole('tab', { name: 'Inspections' }).click();
    await page.locator('#compliance-panel-inspections select').first().selectOption('');
    await page.getByRole('button', { name: 'browser-import-1' }).click();
    const detail = page.locator('[data-testid="inspection-detail"]');
    await detail.locator('h2').waitFor();
    expect(await detail.getAttribute('data-review-state')).not.toBe('overturned');
    await detail.locator('textarea').fill('The scorecard missed the context: reviewed by hand.');
    await detail.getByRole('button', { name: 'Overturn' }).click();
    await expect.poll(() => detail.getAttribute('data-review-state'), { timeout: 15_000 }).toBe('overturned');
    await page.screenshot({ path: join(screenshots, 'compliance-inspection.png') });
    const stored = await api<{ items: { externalId: string; reviewState: string }[] }>('GET', '/v1/inspections?state=overturned');
    expect(stored.items.map((inspection) => inspection.externalId)).toContain('browser-import-1');
  }, 90_000);
});
