// importer-harness.mjs — shared by tests/e2e/importer-*.test.mjs: the demo (web/demo/)
// served by the real reference server (web/server/, in process, on a random loopback port,
// with a temporary SQLite database and a strict CSP on every static file), and headless
// Chromium driving <preflight-importer> through its (open) shadow root.
//
//   const demo = await startDemo();                  // stages the site, starts the server
//   const { page } = await demo.open({ query: '?type=clients' });
//   … drive the page …
//   demo.db()                                        // the server's database (read-only)
//   await demo.close();
//
// Screenshots go to build/screenshots/ (not committed); `shot(page, name)` takes one.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import Database from 'better-sqlite3';
import { chromium } from 'playwright-core';

import { stageDemo, writeDemoConfig } from '../../scripts/stage-demo.mjs';
import { startServer } from '../../web/server/main.js';
import { CHROMIUM, CHROMIUM_ARGS } from './browser.mjs';
import { STRICT_CSP } from './static-server.mjs';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const samplesDir = join(repoRoot, 'web/demo/samples');
export const screenshotsDir = join(repoRoot, 'build/screenshots');
export const CLI = join(repoRoot, 'build/native/preflight');
export { CHROMIUM, CHROMIUM_ARGS } from './browser.mjs';
export const TOKEN = 'importer-test-token-0123456789';

/** The policy scripts/demo.sh serves the demo with: no 'unsafe-eval', no inline anything. */
export const CSP = STRICT_CSP;

/** Fails fast, naming the command to run, when a build the tests need is missing. */
export function checkPrerequisites() {
  const missing = [];
  if (!existsSync(join(repoRoot, 'build/wasm/preflight.wasm'))) missing.push('build/wasm (scripts/build.sh wasm)');
  if (!existsSync(CLI)) missing.push('build/native/preflight (scripts/build.sh native)');
  if (!existsSync(CHROMIUM)) missing.push(`${CHROMIUM} (apt-get install chromium)`);
  if (missing.length) throw new Error(`the importer tests need: ${missing.join('; ')}`);
}

/**
 * Stages the demo into a temporary directory and starts the reference server on it.
 * @param {object} [serverOptions] extra startServer options (processDelayMs, faults, …)
 */
export async function startDemo(serverOptions = {}) {
  checkPrerequisites();
  const dir = mkdtempSync(join(tmpdir(), 'preflight-importer-'));
  const site = stageDemo({ outDir: join(dir, 'site') });
  const dbPath = join(dir, 'server.sqlite');
  /** @type {string[]} the server's request log */
  const requests = [];
  const server = await startServer({
    port: 0,
    db: dbPath,
    token: TOKEN,
    staticDir: site,
    staticHeaders: { 'content-security-policy': CSP },
    log: (line) => requests.push(line),
    ...serverOptions,
  });
  writeDemoConfig(site, { token: TOKEN, apiBase: server.url });
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  let database = null;

  return {
    url: server.url,
    site,
    dir,
    dbPath,
    server,
    browser,
    requests,
    /** API requests seen by the server (static files left out). */
    apiRequests: () => requests.filter((l) => / \/(api|file)\//.test(l)),
    /** The server's database, read-only. */
    db() {
      database ??= new Database(dbPath, { readonly: true, fileMustExist: true });
      return database;
    },
    /**
     * A new browser context and page on the demo.
     * @param {{query?: string, viewport?: {width: number, height: number}}} [options]
     */
    async open({ query = '', viewport = { width: 1280, height: 900 }, context: existing } = {}) {
      const context = existing ?? await browser.newContext({ acceptDownloads: true, viewport });
      const page = await context.newPage();
      const problems = watch(page);
      const response = await page.goto(`${server.url}/web/demo/${query}`);
      assert.equal(response?.status(), 200);
      assert.match(response.headers()['content-security-policy'] ?? '', /script-src 'self' 'wasm-unsafe-eval'/);
      await page.waitForSelector('preflight-importer .step-choose', { timeout: 30_000 });
      return { context, page, problems };
    },
    async close() {
      database?.close();
      await browser.close();
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Collects page errors, CSP violations and failed requests; call .assertClean() at the end. */
function watch(page) {
  const seen = [];
  page.on('pageerror', (e) => seen.push(`page error: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' || /content security policy/i.test(m.text())) seen.push(`console ${m.type()}: ${m.text()}`);
  });
  page.on('worker', (w) => w.on('console', (m) => {
    if (m.type() === 'error' || /content security policy/i.test(m.text())) seen.push(`worker console: ${m.text()}`);
  }));
  return {
    list: seen,
    /** @param {RegExp[]} [allowed] console errors that the test caused on purpose */
    assertClean(allowed = []) {
      const left = seen.filter((line) => !allowed.some((re) => re.test(line)));
      assert.deepEqual(left, [], 'the page threw, logged an error or broke the CSP');
    },
  };
}

/** Saves a full-page screenshot to build/screenshots/<name>.png. */
export async function shot(page, name) {
  mkdirSync(screenshotsDir, { recursive: true });
  await page.screenshot({ path: join(screenshotsDir, `${name}.png`), fullPage: true });
}

/** A locator inside the element's shadow root (Playwright's CSS engine pierces open roots). */
export function $(page, selector) {
  return page.locator(`preflight-importer ${selector}`);
}

/** The step the element shows. */
export function currentStep(page) {
  return page.evaluate(() => document.querySelector('preflight-importer').step);
}

/** Waits until the element shows `step`. */
export async function waitForStep(page, step, timeout = 60_000) {
  await page.waitForFunction((s) => document.querySelector('preflight-importer')?.step === s, step, { timeout });
  await page.waitForSelector(`preflight-importer .step-${step}`, { timeout });
}

/** The element in a page records its events here (window.importerEvents). */
export async function recordEvents(page) {
  await page.evaluate(() => {
    window.importerEvents = [];
    const el = document.querySelector('preflight-importer');
    for (const name of ['mapped', 'validated', 'imported', 'error']) {
      el.addEventListener(name, (e) => {
        const d = e.detail ?? {};
        window.importerEvents.push({
          name,
          detail: {
            ...d,
            error: undefined,
            errorReport: d.errorReport ? { size: d.errorReport.size, name: d.errorReport.name ?? null } : null,
          },
        });
      });
    }
  });
}

export function events(page) {
  return page.evaluate(() => window.importerEvents ?? []);
}

/**
 * Step 1 by mouse: type, mode, file; waits for the detection to show.
 * @param {import('playwright-core').Page} page
 */
export async function chooseFile(page, { type = 'clients', mode = 'validate', file }) {
  const picker = $(page, 'select[name=type]');
  if (await picker.count()) await picker.selectOption(type);
  const radio = $(page, `input[type=radio][value=${mode}]`);
  if (await radio.count()) await radio.check();
  await $(page, 'input[name=file]').setInputFiles(file);
  await page.waitForSelector('preflight-importer .sample-table', { timeout: 30_000 });
}

/** Runs the native CLI's validate on a file; answers {summary, errorsCsv (Buffer|null), batches: Buffer[]}. */
export function cliValidate(file, { type, mode, mapping = null, extra = [] }) {
  const dir = mkdtempSync(join(tmpdir(), 'preflight-cli-'));
  try {
    const args = ['validate', '--type', type, '--mode', mode, '--errors-csv', join(dir, 'errors.csv'), '--batches', join(dir, 'batches'), ...extra];
    if (mapping) {
      writeFileSync(join(dir, 'mapping.json'), JSON.stringify(mapping));
      args.push('--mapping', join(dir, 'mapping.json'));
    }
    args.push(file);
    let out;
    try {
      out = execFileSync(CLI, args, { encoding: 'utf8', maxBuffer: 256 << 20 });
    } catch (e) {
      if (e.status !== 1) throw e;
      out = e.stdout;
    }
    const errorsPath = join(dir, 'errors.csv');
    const batchDir = join(dir, 'batches');
    const batches = existsSync(batchDir)
      ? execFileSync('ls', [batchDir], { encoding: 'utf8' }).split('\n').filter(Boolean).sort().map((f) => readFileSync(join(batchDir, f)))
      : [];
    return { summary: JSON.parse(out), errorsCsv: existsSync(errorsPath) ? readFileSync(errorsPath) : null, batches };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Reads a CSV (Buffer or string) into rows of cells (RFC 4180, the engine's output). */
export function parseCsv(input) {
  const text = (Buffer.isBuffer(input) ? input.toString('utf8') : input).replace(/^\ufeff/, '');
  const rows = [];
  let row = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(cell);
      cell = '';
    } else if (c === '\r' || c === '\n') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
    } else cell += c;
  }
  if (cell !== '' || row.length) {
    row.push(cell);
    rows.push(row);
  }
  return rows;
}

/** Waits for `fn` to return truthy (polling). */
export async function until(fn, what, timeoutMs = 60_000) {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await fn();
    if (value) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
