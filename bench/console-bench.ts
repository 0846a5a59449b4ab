/**
 * The web console, measured in Debian's chromium against `npm start` (dist/cli.js serve) on a fresh data directory
 * with the sample knowledge base:
 * - bundle: the JS and CSS the agent workspace loads, raw and gzip (goal < 300 kB gzip);
 * - first load: a cold browser context opening /console/agent (signed in) until the start-call form can be used,
 *   and /console until the sign-in form can (goal < 1 s);
 * - card latency: a customer turn sent from the agent workspace until its knowledge cards are on screen (pushed over
 *   the event stream), p50/p95 over the customer turns of ../shared/devsets/scenarios-dev.jsonl (real, long, spoken
 *   calls; the agent turns are posted too, unmeasured), suggestions off and on.
 * Needs `npm run build` (dist/cli.js) and /usr/bin/chromium. Run: npx tsx bench/console-bench.ts
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import type { Browser, Page } from 'playwright-core';
import { chromiumPath, consoleBuild, ensureConsoleBuilt, launchChromium } from '../test/support/console-service.js';
import { percentile, readJsonl, repositoryRoot } from './support.js';

// Overridable so two people benchmarking on one machine do not collide.
const port = Number(process.env.CONSOLE_BENCH_PORT ?? 39_883);
const baseUrl = `http://127.0.0.1:${port}`;
const adminKey = 'bench-admin-key-console-0123456789';
const scenariosFile = join(repositoryRoot, '..', 'shared', 'devsets', 'scenarios-dev.jsonl');
const coldLoads = 10;
const measuredTurns = 50;

interface Scenario {
  id: string;
  lang: 'zh' | 'en';
  customer: Record<string, unknown>;
  turns: { speaker: 'customer' | 'agent'; text: string }[];
}

async function startService(dataDirectory: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['dist/cli.js', 'serve'], {
    cwd: repositoryRoot,
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDirectory, LOG_LEVEL: 'warn', ADMIN_API_KEY: adminKey },
    stdio: 'ignore',
  });
  const started = performance.now();
  for (;;) {
    if (performance.now() - started > 180_000) throw new Error('service not ready within 180 s');
    if (await fetch(`${baseUrl}/readyz`).then((response) => response.ok, () => false)) return child;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function kilobytes(bytes: number): string {
  return `${(bytes / 1024).toFixed(1)} kB`;
}

/** The scripts and styles the agent workspace loaded, as the service sent them and gzipped. */
async function measureBundle(browser: Browser, key: string): Promise<void> {
  const context = await browser.newContext();
  await context.addInitScript(`sessionStorage.setItem('agent-assist.api-key', ${JSON.stringify(key)})`);
  const page = await context.newPage();
  const assets = new Set<string>();
  page.on('response', (response) => {
    const path = new URL(response.url()).pathname;
    if (/^\/console\/.+\.(js|css)$/.test(path)) assets.add(path);
  });
  await page.goto(`${baseUrl}/console/agent`);
  await page.waitForSelector('.start-call button[type=submit]');
  let raw = 0;
  let gzip = 0;
  for (const path of [...assets].sort()) {
    const content = readFileSync(join(consoleBuild, path.slice('/console/'.length)));
    const compressed = gzipSync(content, { level: 9 }).length;
    raw += content.length;
    gzip += compressed;
    console.log(`  ${path}: ${kilobytes(content.length)} raw, ${kilobytes(compressed)} gzip`);
  }
  console.log(`agent workspace bundle (${assets.size} files): ${kilobytes(raw)} raw, ${kilobytes(gzip)} gzip (goal < 300 kB gzip)`);
  await context.close();
}

/** Navigation start to the first moment `selector` is on screen and enabled, in a cold context (no cache). */
async function firstLoad(browser: Browser, path: string, selector: string, key?: string): Promise<{ milliseconds: number; html: number; script: number }> {
  const context = await browser.newContext({ viewport: { width: 1366, height: 768 } });
  if (key) await context.addInitScript(`sessionStorage.setItem('agent-assist.api-key', ${JSON.stringify(key)})`);
  // Watched from inside the page: the time is the page's own clock from navigation start, no driver round trip in it.
  await context.addInitScript(`
    new MutationObserver((_, observer) => {
      const element = document.querySelector(${JSON.stringify(selector)});
      if (element && !element.disabled) { window.__interactiveAt = performance.now(); observer.disconnect(); }
    }).observe(document, { childList: true, subtree: true, attributes: true });
  `);
  const page = await context.newPage();
  await page.goto(`${baseUrl}${path}`);
  const milliseconds = await pollPage(page, 'window.__interactiveAt');
  const timing = (await page.evaluate(`(() => {
    const navigation = performance.getEntriesByType('navigation')[0];
    const script = performance.getEntriesByType('resource').find((entry) => entry.name.endsWith('.js'));
    return { html: navigation.responseEnd, script: script ? script.responseEnd : 0 };
  })()`)) as { html: number; script: number };
  await context.close();
  return { milliseconds, ...timing };
}

/**
 * Waits until an expression is defined in the page, asking every few milliseconds. Not page.waitForFunction: it
 * evaluates strings in the page, which the console's CSP (no unsafe-eval) refuses. Times are taken in the page.
 */
async function pollPage(page: Page, expression: string, timeoutMilliseconds = 30_000): Promise<number> {
  const started = performance.now();
  for (;;) {
    const value = (await page.evaluate(expression)) as number | undefined | null;
    if (value !== undefined && value !== null) return value;
    if (performance.now() - started > timeoutMilliseconds) throw new Error(`${expression} still undefined after ${timeoutMilliseconds} ms`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

async function say(page: Page, speaker: 'customer' | 'agent', text: string): Promise<{ cards: boolean }> {
  await page.check(`.speaker-switch input[value=${speaker}]`);
  await page.fill('#turn-text', text);
  const posted = page.waitForResponse((response) => response.url().endsWith('/turns') && response.request().method() === 'POST');
  await page.evaluate(`window.__sentAt = performance.now(); window.__cardSetsBefore = document.querySelectorAll('[data-card-set]').length`);
  await page.keyboard.press('Enter');
  const response = await posted;
  if (!response.ok()) throw new Error(`turn refused: ${response.status()} ${await response.text()}`);
  const body = (await response.json()) as { knowledge?: unknown[] };
  return { cards: speaker === 'customer' && (body.knowledge?.length ?? 0) > 0 };
}

/** Customer turns of real calls, each until its cards are visible; the agent's turns in between are posted too. */
async function measureCardLatency(browser: Browser, key: string, scenarios: readonly Scenario[], suggestions: boolean): Promise<void> {
  const context = await browser.newContext({ viewport: { width: 1366, height: 768 } });
  await context.addInitScript(`sessionStorage.setItem('agent-assist.api-key', ${JSON.stringify(key)})`);
  await context.addInitScript(`
    window.__cardTimes = [];
    new MutationObserver(() => {
      const count = document.querySelectorAll('[data-card-set]').length;
      while (window.__cardTimes.length < count) window.__cardTimes.push(performance.now());
    }).observe(document, { childList: true, subtree: true });
  `);
  const page = await context.newPage();
  await page.goto(`${baseUrl}/console/agent`);
  const latencies: number[] = [];
  let withoutCards = 0;
  for (const scenario of scenarios) {
    if (latencies.length >= measuredTurns) break;
    await page.waitForSelector('.start-call button[type=submit]');
    await page.selectOption('.start-call select >> nth=0', scenario.lang);
    await page.click('.start-call button[type=submit]');
    await page.waitForSelector('[data-stream-state=open]');
    if (!suggestions) await page.uncheck('.workspace-heading input[type=checkbox]');
    await page.evaluate('window.__cardTimes = []');
    for (const turn of scenario.turns) {
      if (latencies.length >= measuredTurns) break;
      const { cards } = await say(page, turn.speaker, turn.text);
      if (turn.speaker !== 'customer') continue;
      if (!cards) {
        withoutCards += 1;
        continue;
      }
      latencies.push(await pollPage(page, 'window.__cardTimes.length > window.__cardSetsBefore ? window.__cardTimes[window.__cardSetsBefore] - window.__sentAt : undefined'));
    }
    await page.click('.end-call');
    await page.click('.workspace-heading button:not(.end-call)');
  }
  await context.close();
  const label = suggestions ? 'suggestions streamed after each turn' : 'suggestions off';
  console.log(
    `customer turn sent -> its cards visible (${label}): n=${latencies.length}, p50 ${percentile(latencies, 0.5).toFixed(0)} ms, p95 ${percentile(latencies, 0.95).toFixed(0)} ms, max ${Math.max(...latencies).toFixed(0)} ms` +
      (withoutCards ? `; ${withoutCards} customer turn(s) had no card` : ''),
  );
}

export async function main(): Promise<void> {
  console.log('== console bench');
  if (!existsSync(join(repositoryRoot, 'dist', 'cli.js'))) {
    console.log('dist/cli.js missing: run `npm run build` first');
    return;
  }
  if (!existsSync(chromiumPath)) {
    console.log(`${chromiumPath} missing: apt-get install -y chromium`);
    return;
  }
  await ensureConsoleBuilt();
  const dataDirectory = mkdtempSync(join(tmpdir(), 'agent-assist-console-bench-'));
  let service: ChildProcess | undefined;
  let browser: Browser | undefined;
  try {
    service = await startService(dataDirectory);
    const created = (await fetch(`${baseUrl}/v1/keys`, {
      method: 'POST',
      headers: { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ role: 'agent', name: 'console bench' }),
    }).then((response) => response.json())) as { key: string };
    browser = await launchChromium();
    await measureBundle(browser, created.key);
    const signedIn: Awaited<ReturnType<typeof firstLoad>>[] = [];
    const signIn: Awaited<ReturnType<typeof firstLoad>>[] = [];
    for (let run = 0; run < coldLoads; run += 1) {
      signedIn.push(await firstLoad(browser, '/console/agent', '.start-call button[type=submit]', created.key));
      signIn.push(await firstLoad(browser, '/console', 'form button[type=submit]'));
    }
    const describe = (loads: typeof signedIn) =>
      `p50 ${percentile(loads.map((load) => load.milliseconds), 0.5).toFixed(0)} ms, p95 ${percentile(loads.map((load) => load.milliseconds), 0.95).toFixed(0)} ms ` +
      `(n=${loads.length}; of which HTML received p50 ${percentile(loads.map((load) => load.html), 0.5).toFixed(0)} ms, script received p50 ${percentile(loads.map((load) => load.script), 0.5).toFixed(0)} ms)`;
    console.log(`first load to interactive, cold cache, /console/agent signed in: ${describe(signedIn)}; goal < 1000 ms`);
    console.log(`first load to interactive, cold cache, /console sign-in form: ${describe(signIn)}`);
    if (!existsSync(scenariosFile)) {
      console.log(`${scenariosFile} missing: card latency not measured`);
      return;
    }
    const scenarios = readJsonl<Scenario>(scenariosFile);
    await measureCardLatency(browser, created.key, scenarios, false);
    await measureCardLatency(browser, created.key, scenarios, true);
  } finally {
    await browser?.close();
    if (service) {
      service.kill('SIGTERM');
      await new Promise((resolve) => service?.once('exit', resolve));
    }
    rmSync(dataDirectory, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main();
