// browser.mjs — shared by the browser tests: starts the static server (strict CSP, see
// static-server.mjs) and headless Chromium, opens a test page, and gathers every sign of a
// CSP violation or a page error, so each test can assert there was none.
//
// Three detectors, so a violation inside the worker is caught too:
//   1. report-uri: Chromium POSTs a report per violation, from the page and from workers
//      (whose policy comes from their own response), to the static server;
//   2. securitypolicyviolation events: the page's own, plus the watched worker's, forwarded
//      by pages/csp-listener.js (window.cspViolations);
//   3. console messages mentioning Content Security Policy, and uncaught page errors.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

import { chromium } from 'playwright-core';

import { repoRoot, wasmDir } from '../wasm/harness.mjs';
import { startStaticServer } from './static-server.mjs';

export const CHROMIUM = process.env.PREFLIGHT_CHROMIUM ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--no-first-run'];

/** Fails fast, with the command to run, when an artefact the tests need is missing. */
export function checkPrerequisites() {
  const missing = [];
  if (!existsSync(join(wasmDir, 'preflight.js')) || !existsSync(join(wasmDir, 'preflight.wasm'))) {
    missing.push(`${wasmDir}/preflight.{js,wasm} (run scripts/build.sh wasm)`);
  }
  if (!existsSync(CHROMIUM)) missing.push(`${CHROMIUM} (apt-get install chromium, or set PREFLIGHT_CHROMIUM)`);
  if (missing.length) throw new Error(`the browser tests need: ${missing.join('; ')}`);
}

/**
 * Opens `pagePath` (relative to the repository root) in a fresh headless Chromium.
 * @returns {Promise<{page: import('playwright-core').Page, origin: string,
 *   problems: () => Promise<string[]>, assertClean: () => Promise<void>, close: () => Promise<void>}>}
 */
export async function openPage(pagePath) {
  checkPrerequisites();
  if (wasmDir !== join(repoRoot, 'build/wasm')) {
    throw new Error('the browser tests load the Wasm from build/wasm/ (PREFLIGHT_WASM_DIR is not supported here)');
  }
  const server = await startStaticServer({ root: repoRoot });
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  try {
    const page = await browser.newPage();
    const consoleProblems = [];
    page.on('console', (message) => {
      if (/content security policy/i.test(message.text())) consoleProblems.push(`console: ${message.text()}`);
    });
    page.on('pageerror', (error) => consoleProblems.push(`page error: ${error.message}`));
    page.on('worker', (worker) => {
      worker.on('console', (message) => {
        if (/content security policy/i.test(message.text())) consoleProblems.push(`worker console: ${message.text()}`);
      });
    });
    const response = await page.goto(`${server.origin}/${pagePath}`);
    assert.equal(response?.status(), 200, `GET ${pagePath}`);
    assert.match(response.headers()['content-security-policy'] ?? '', /script-src 'self' 'wasm-unsafe-eval'/);

    /** Everything that went wrong so far, as readable lines. */
    const problems = async () => {
      const seen = await page.evaluate(() => window.cspViolations ?? []).catch(() => []);
      return [
        ...server.cspReports.map((r) => `CSP report: ${r['violated-directive'] ?? r.effectiveDirective} blocked ${r['blocked-uri'] ?? r.blockedURL} in ${r['document-uri'] ?? r.documentURL}`),
        ...seen.map((v) => `CSP event (${v.where}): ${v.directive} blocked ${v.blocked}`),
        ...consoleProblems,
      ];
    };
    return {
      page,
      origin: server.origin,
      server,
      problems,
      assertClean: async () => assert.deepEqual(await problems(), [], 'the page or its worker broke the CSP or threw'),
      close: async () => {
        await browser.close();
        await server.close();
      },
    };
  } catch (error) {
    await browser.close();
    await server.close();
    throw error;
  }
}

/** Opens the library test page and waits for its module to be ready. */
export async function openAppPage() {
  const session = await openPage('tests/e2e/pages/app.html');
  await session.page.waitForFunction(() => window.preflightTest !== undefined);
  return session;
}
