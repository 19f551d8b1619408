// http.test.mjs — CORS (preflights for the configured origin only; Retry-After and the
// rate-limit headers exposed, checked in a real Chromium page on another origin too) and
// the static directory (MIME types, extra headers such as a CSP, caching, and no way out of
// the root by any spelling of "..", an encoded slash, a dotfile or a symlink).
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';

import { api, startTestServer, tempDir } from './helpers.mjs';

const ORIGIN = 'http://app.example.test';
const CSP = "default-src 'none'; script-src 'self' 'wasm-unsafe-eval'; connect-src 'self'";

let tmp;
let root;
let server;
before(async () => {
  tmp = tempDir();
  root = join(tmp.dir, 'public');
  mkdirSync(join(root, 'sub'), { recursive: true });
  writeFileSync(join(root, 'index.html'), '<!doctype html><title>demo</title>');
  writeFileSync(join(root, 'app.js'), 'export const a = 1;\n');
  writeFileSync(join(root, 'worker.mjs'), 'self.onmessage = () => {};\n');
  writeFileSync(join(root, 'engine.wasm'), Buffer.from([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]));
  writeFileSync(join(root, 'style.css'), 'body{}');
  writeFileSync(join(root, 'blob.bin'), 'x');
  writeFileSync(join(root, '.env'), 'SECRET=1');
  writeFileSync(join(root, 'sub', 'index.html'), 'sub page');
  writeFileSync(join(tmp.dir, 'secret.txt'), 'TOP SECRET');
  symlinkSync(join(tmp.dir, 'secret.txt'), join(root, 'link.txt'));
  server = await startTestServer({
    db: join(tmp.dir, 'http.sqlite'), corsOrigins: [ORIGIN], staticDir: root,
    staticHeaders: { 'content-security-policy': CSP }, rateLimit: 2,
  });
});
after(async () => {
  await server.close();
  tmp.cleanup();
});

/** A raw GET with the path sent exactly as written (fetch would normalise it). */
function rawGet(path, headers = {}) {
  return new Promise((resolve, reject) => {
    const url = new URL(server.url);
    const req = request({ host: url.hostname, port: url.port, path, headers }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks).toString() }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('CORS', () => {
  it('answers a preflight from the configured origin without a token', async () => {
    const res = await api(server, 'OPTIONS', '/api/v1/import', {
      token: null,
      headers: { origin: ORIGIN, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,idempotency-key,content-type' },
    });
    assert.equal(res.status, 204);
    assert.equal(res.headers.get('access-control-allow-origin'), ORIGIN);
    const allowed = res.headers.get('access-control-allow-headers').toLowerCase().split(', ');
    for (const h of ['authorization', 'content-type', 'idempotency-key', 'x-plannr-account-uuid']) assert.ok(allowed.includes(h), h);
    assert.match(res.headers.get('access-control-allow-methods'), /POST/);
    assert.equal(res.headers.get('vary'), 'Origin');
  });

  it('gives no allowance to another origin, and never reflects it', async () => {
    const res = await api(server, 'OPTIONS', '/api/v1/import', {
      token: null, headers: { origin: 'http://evil.example', 'access-control-request-method': 'POST' },
    });
    assert.equal(res.status, 204);
    assert.equal(res.headers.get('access-control-allow-origin'), null);
    const get = await api(server, 'GET', '/api/v1/import', { headers: { origin: 'http://evil.example' } });
    assert.equal(get.headers.get('access-control-allow-origin'), null);
  });

  it('exposes Retry-After and the rate-limit headers on every response to the origin, 401 and 429 included', async () => {
    const limited = await startTestServer({ corsOrigins: [ORIGIN], rateLimit: 1 });
    try {
      const ok = await api(limited, 'GET', '/api/v1/import', { headers: { origin: ORIGIN } });
      const exposed = ok.headers.get('access-control-expose-headers').split(', ');
      for (const h of ['Retry-After', 'X-RateLimit-Limit', 'X-RateLimit-Remaining', 'X-RateLimit-Reset', 'Idempotent-Replayed']) {
        assert.ok(exposed.includes(h), h);
      }
      const refused = await api(limited, 'GET', '/api/v1/import', { headers: { origin: ORIGIN } });
      assert.equal(refused.status, 429);
      assert.equal(refused.headers.get('access-control-allow-origin'), ORIGIN);
      assert.ok(refused.headers.get('retry-after'));
      const unauthorised = await api(limited, 'GET', '/api/v1/import', { token: null, headers: { origin: ORIGIN } });
      assert.equal(unauthorised.status, 401);
      assert.equal(unauthorised.headers.get('access-control-allow-origin'), ORIGIN);
    } finally {
      await limited.cleanup();
    }
  });

  it('lets a page on the allowed origin read Retry-After in a real browser, and blocks another origin', { timeout: 60_000 }, async (t) => {
    if (!existsSync('/usr/bin/chromium')) return t.skip('no Chromium at /usr/bin/chromium');
    const { chromium } = await import('playwright-core');
    // The page comes from a static-only server (without the CSP above, whose connect-src
    // 'self' would rightly block the call); the API is another server on another port.
    const pages = await startTestServer({ staticDir: root });
    const api1 = await startTestServer({ corsOrigins: [pages.url], rateLimit: 1 });
    const api2 = await startTestServer({ rateLimit: 1 }); // no CORS origin configured
    const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
    try {
      const page = await browser.newPage();
      await page.goto(`${pages.url}/index.html`);
      const probe = (apiUrl, token) => page.evaluate(async ({ apiUrl, token }) => {
        const call = () => fetch(`${apiUrl}/api/v1/import`, { headers: { authorization: `Bearer ${token}`, 'idempotency-key': 'k1' } });
        try {
          const first = await call();
          const second = await call();
          return { first: first.status, second: second.status, retryAfter: second.headers.get('Retry-After'), remaining: first.headers.get('X-RateLimit-Remaining') };
        } catch (e) {
          return { error: e.name };
        }
      }, { apiUrl, token });
      const allowed = await probe(api1.url, api1.token);
      assert.equal(allowed.first, 200);
      assert.equal(allowed.remaining, '0');
      assert.equal(allowed.second, 429);
      assert.match(allowed.retryAfter ?? '', /^\d+$/, 'the browser can read Retry-After');
      assert.deepEqual(await probe(api2.url, api2.token), { error: 'TypeError' }, 'a server without this origin is unreachable from the page');
    } finally {
      await browser.close();
      await api1.cleanup();
      await api2.cleanup();
      await pages.cleanup();
    }
  });
});

describe('static files', () => {
  it('serves files with explicit MIME types, nosniff and the configured headers', async () => {
    const expected = {
      '/': 'text/html; charset=utf-8',
      '/app.js': 'text/javascript; charset=utf-8',
      '/worker.mjs': 'text/javascript; charset=utf-8',
      '/engine.wasm': 'application/wasm',
      '/style.css': 'text/css; charset=utf-8',
      '/blob.bin': 'application/octet-stream',
    };
    for (const [path, type] of Object.entries(expected)) {
      const res = await rawGet(path);
      assert.equal(res.status, 200, path);
      assert.equal(res.headers['content-type'], type, path);
      assert.equal(res.headers['x-content-type-options'], 'nosniff');
      assert.equal(res.headers['content-security-policy'], CSP);
    }
    assert.equal((await rawGet('/')).body, '<!doctype html><title>demo</title>');
  });

  it('answers 304 for a matching ETag, HEAD without a body, 405 for other methods', async () => {
    const first = await rawGet('/app.js');
    assert.ok(first.headers.etag);
    assert.equal((await rawGet('/app.js', { 'if-none-match': first.headers.etag })).status, 304);
    const head = await fetch(`${server.url}/app.js`, { method: 'HEAD' });
    assert.equal(head.status, 200);
    assert.equal(head.headers.get('content-length'), '20');
    assert.equal((await head.text()), '');
    const post = await fetch(`${server.url}/app.js`, { method: 'POST' });
    assert.equal(post.status, 405);
    assert.equal(post.headers.get('allow'), 'GET, HEAD');
  });

  it('redirects a directory to its slash and serves its index.html', async () => {
    const redirect = await rawGet('/sub');
    assert.equal(redirect.status, 301);
    assert.equal(redirect.headers.location, '/sub/');
    assert.equal((await rawGet('/sub/')).body, 'sub page');
  });

  it('never serves anything outside the root, dotfiles or through a symlink', async () => {
    const attempts = [
      '/../secret.txt', '/sub/../../secret.txt', '/%2e%2e/secret.txt', '/%2E%2E%2Fsecret.txt', '/sub/..%2f..%2fsecret.txt',
      '/..%5csecret.txt', '/.env', '/%2eenv', '/sub/%00', '/link.txt', '/nothing-here.js', '//etc/passwd', '/%E0%A4%A',
    ];
    for (const path of attempts) {
      const res = await rawGet(path);
      assert.ok([400, 404].includes(res.status), `${path}: ${res.status}`);
      assert.ok(!res.body.includes('TOP SECRET') && !res.body.includes('SECRET=1'), path);
    }
  });

  it('keeps the API routes first, with their own rules', async () => {
    assert.equal((await rawGet('/api/v1/import')).status, 401);
    assert.equal((await rawGet('/api/v1/nothing')).status, 404);
  });
});
