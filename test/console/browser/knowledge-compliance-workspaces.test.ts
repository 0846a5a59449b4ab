import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
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
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  server = spawn(process.execPath, ['dist/cli.js', 'serve'], {
    cwd: root,
    env: { PATH: process.env.PATH ?? '', DATA_DIR: dataDir, PORT: String(port), HOST: '127.0.0.1', ADMIN_API_KEY: adminKey, SEED_SAMPLE_KNOWLEDGE: 'false', LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  server.stdout?.on('data', (chunk: Buffer) => (serverLog += chunk.toString()));
  server.stderr?.on('data', (chunk: Buffer) => (serverLog += chunk.toString()));
  const browserStarting = chromium.launch({ executablePath: chromiumPath, headless: true, args: ['--no-sandbox', '--disable-background-networking', '--disable-dev-shm-usage'] });
  // Generous: on a loaded 2-core machine a fresh PGlite data dir takes tens of seconds to migrate.
  await waitForReady(base, Date.now() + 120_000);
  browser = await browserStarting;
  page = await browser.newPage({ viewport: { width: 1366, height: 768 }, locale: 'en-US' });
  await mkdir(screenshots, { recursive: true });
  await page.goto(`${base}/console/knowledge`);
  await page.locator('input[name="api-key"]').fill(adminKey);
  await page.locator('button[type="submit"]').click();
  await page.locator('#knowledge-title').waitFor();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  if (server && server.exitCode === null) {
    const exited = new Promise((resolve) => server?.once('exit', resolve));
    server.kill('SIGTERM');
    await exited;
  }
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
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
});
