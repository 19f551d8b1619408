// server.js — the reference import server: startServer() wires the parts together and runs
// every request through one pipeline.
//
// API request (/api/…, /file/…), in Laravel's order:
//   route (404/405) → bearer token (401) → X-PLANNR-ACCOUNT-UUID (403) → rate limit (429)
//   → injected faults (500 / 429 / delay) → body (400/413/415) → Idempotency-Key
//   (replay / 409 / 422) → handler (its writes and the idempotency record in one
//   transaction) → response, or the connection dropped after acting (injected fault).
// CORS headers go on every response to an allowed origin; preflights need no token.
// /__admin/faults (same token) changes the faults at run time. Anything else is served
// from the static directory when one is configured.
import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { createServer } from 'node:http';
import { join } from 'node:path';

import { apiRoutes } from './api.js';
import { Cors } from './cors.js';
import { defaultWasmDir, describeTypes, loadEngine, repoRoot } from './engine.js';
import { FaultInjector, parseFaults } from './faults.js';
import { canonicalInput, readInput } from './form.js';
import { HttpError, jsonResponse, readBody, sleep } from './http-util.js';
import { Idempotency } from './idempotency.js';
import { messagesFor, UNAUTHENTICATED } from './laravel.js';
import { Processor } from './processor.js';
import { RateLimiter } from './rate-limit.js';
import { Router } from './router.js';
import { createStaticHandler } from './static.js';
import { Store } from './store.js';

export const DEFAULTS = Object.freeze({
  port: 8080,
  host: '127.0.0.1',
  db: join(repoRoot, 'data/preflight-server.sqlite'),
  token: null, // null: the development token kept in the database (generated once)
  corsOrigins: [],
  staticDir: null,
  staticHeaders: {},
  faults: {},
  processDelayMs: 0,
  sliceBytes: 64 * 1024,
  rateLimit: 500, // requests per window and user; 0 = off
  rateWindowMs: 60_000,
  maxUploadBytes: 50 * 1024 * 1024, // the whole multipart body of a create
  maxBodyBytes: 1024 * 1024, // any other body
  laravel: '10',
  today: null, // the engine's "today" (YYYY-MM-DD) for before:today rules; null = the date
  publicUrl: null, // base of error_report.download_url; null = from the request's Host
  idempotencyTtlMs: 24 * 60 * 60 * 1000,
  requireAccountHeader: false,
  wasmDir: defaultWasmDir,
  log: null, // (line: string) => void
});

/**
 * Starts the server. Resolves once it listens.
 * @param {Partial<typeof DEFAULTS>} options
 * @returns {Promise<{url: string, port: number, host: string, token: string, tokenGenerated: boolean,
 *   dbPath: string, account: object, faults: FaultInjector, close: () => Promise<void>}>}
 */
export async function startServer(options = {}) {
  const config = { ...DEFAULTS, ...options };
  // Options are checked before anything is created, so a typo leaves no database behind.
  if (!['9', '10'].includes(String(config.laravel))) throw new Error(`laravel must be "9" or "10", not "${config.laravel}"`);
  config.faults = parseFaults(config.faults);
  const log = config.log ?? (() => {});
  const pf = await loadEngine(config.wasmDir);
  const store = new Store(config.db);
  try {
    return await listen(config, store, pf, log);
  } catch (e) {
    store.close();
    throw e;
  }
}

async function listen(config, store, pf, log) {
  const { token, generated } = resolveToken(store, config.token);
  const tokenDigest = sha256(token);
  const account = resolveAccount(store);
  const messages = messagesFor(String(config.laravel));
  const engineOptions = { laravel: String(config.laravel), ...(config.today ? { today: config.today } : {}) };
  const types = describeTypes(pf);
  const idempotency = new Idempotency(store, { ttlMs: config.idempotencyTtlMs });
  idempotency.recover();
  const processor = new Processor({ store, pf, types, engineOptions, messages, delayMs: config.processDelayMs, log });
  const app = { store, pf, types, messages, engineOptions, processor, account, sliceBytes: config.sliceBytes };
  const router = new Router(apiRoutes(app));
  const faults = new FaultInjector(config.faults);
  const limiter = new RateLimiter({ max: config.rateLimit, windowMs: config.rateWindowMs });
  const cors = new Cors(config.corsOrigins);
  const serveStatic = config.staticDir ? createStaticHandler(config.staticDir, config.staticHeaders) : null;
  const inFlight = new Set();

  const authorised = (req) => {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '');
    return m !== null && timingSafeEqual(sha256(m[1]), tokenDigest);
  };

  /** Writes a Response value with the CORS and rate-limit headers. */
  const send = (req, res, response, extraHeaders = {}) => {
    const corsHeaders = cors.responseHeaders(req.headers.origin, { hideRetryAfter: faults.config.hideRetryAfter });
    const headers = { ...response.headers, ...extraHeaders, ...corsHeaders };
    headers['content-length'] = String(response.body.length);
    res.writeHead(response.status, headers);
    res.end(req.method === 'HEAD' ? undefined : response.body);
    if (!req.complete) req.resume(); // answered before the body was read: drain it
  };

  async function handleApi(req, res, url) {
    let rateHeaders = {};
    try {
      const { route, params } = router.match(req.method, url.pathname);
      if (!authorised(req)) throw new HttpError(401, UNAUTHENTICATED);
      checkAccountHeader(req, account, config.requireAccountHeader);
      rateHeaders = limiter.hit(tokenDigest.toString('hex'));
      const plan = faults.plan(req.method, url.pathname);
      if (plan.reject) throw plan.reject;
      if (plan.delayMs) await sleep(plan.delayMs);

      const parsed = route.body
        ? await readInput(req, route.body === 'upload'
          ? { maxBodyBytes: config.maxUploadBytes, maxFileBytes: config.maxUploadBytes }
          : { maxBodyBytes: config.maxBodyBytes, maxFileBytes: config.maxBodyBytes })
        : null;
      const response = await runIdempotent(req, url, parsed, tokenDigest, (ctx) => route.handler(ctx), {
        params, query: url.searchParams, baseUrl: baseUrl(req, config),
      });
      if (plan.dropAfterAct) {
        log(`fault: dropped the connection after ${req.method} ${url.pathname} (${response.status})`);
        req.socket.destroy();
        return;
      }
      send(req, res, response, rateHeaders);
    } catch (e) {
      send(req, res, errorResponse(e, log), { ...rateHeaders, ...(e instanceof HttpError ? e.headers : {}) });
    }
  }

  /** Runs a handler under the request's Idempotency-Key, if it has one. */
  async function runIdempotent(req, url, parsed, scopeDigest, handler, base) {
    const key = req.method === 'POST' ? Idempotency.keyOf(req.headers['idempotency-key']) : null;
    let reservation = null;
    if (key !== null) {
      const body = parsed ? canonicalInput(parsed, (data) => sha256(data).toString('hex')) : '';
      const fingerprint = sha256(`${req.method} ${url.pathname}${url.search}\n${body}`).toString('hex');
      const found = idempotency.begin(scopeDigest.toString('hex'), key, fingerprint);
      if (found.replay) return found.replay;
      reservation = found.reservation;
    }
    let saved = false;
    const ctx = {
      ...base,
      input: parsed?.input ?? Object.create(null),
      files: parsed?.files ?? new Map(),
      /** Runs `work` in one transaction with the idempotency record of its (2xx) response. */
      act(work) {
        return store.transaction(() => {
          const response = work();
          if (reservation && response.status < 300) {
            idempotency.save(reservation, response);
            saved = true;
          }
          return response;
        });
      },
    };
    try {
      const response = await handler(ctx);
      if (reservation && !saved) {
        if (response.status < 300) idempotency.save(reservation, response); // a read-only success (a no-op start)
        else idempotency.release(reservation);
      }
      return response;
    } catch (e) {
      if (reservation) idempotency.release(reservation);
      throw e;
    }
  }

  async function handleAdmin(req, res, url) {
    try {
      if (url.pathname !== '/__admin/faults') throw new HttpError(404, { message: `The route ${url.pathname.slice(1)} could not be found.` });
      if (!authorised(req)) throw new HttpError(401, UNAUTHENTICATED);
      if (req.method === 'POST') {
        let config;
        try {
          config = parseFaults(JSON.parse((await readBody(req, 64 * 1024)).toString('utf8') || '{}'));
        } catch (e) {
          if (e instanceof HttpError) throw e;
          throw new HttpError(422, { message: e.message, errors: { faults: [e.message] } });
        }
        faults.set(config);
        log(`faults set: ${JSON.stringify(config)}`);
      } else if (req.method !== 'GET' && req.method !== 'HEAD') {
        throw new HttpError(405, { message: `The ${req.method} method is not supported for route __admin/faults. Supported methods: GET, HEAD, POST.` }, { allow: 'GET, HEAD, POST' });
      }
      send(req, res, jsonResponse(200, faults.state()));
    } catch (e) {
      send(req, res, errorResponse(e, log), e instanceof HttpError ? e.headers : {});
    }
  }

  async function handle(req, res) {
    const startedAt = Date.now();
    inFlight.add(res);
    res.on('close', () => {
      inFlight.delete(res);
      log(`${req.method} ${req.url} ${res.headersSent ? res.statusCode : 'dropped'} ${Date.now() - startedAt}ms`);
    });
    let url;
    try {
      url = new URL(req.url, 'http://server.invalid');
    } catch {
      return send(req, res, jsonResponse(400, { message: 'The request target is not a valid URL path.' }));
    }
    const path = url.pathname;
    const apiPath = path.startsWith('/api/') || path.startsWith('/file/') || path.startsWith('/__admin/');
    try {
      if (apiPath && Cors.isPreflight(req)) return send(req, res, cors.preflight(req.headers.origin));
      if (path.startsWith('/__admin/')) return await handleAdmin(req, res, url);
      if (apiPath) return await handleApi(req, res, url);
      if (serveStatic) return await serveStatic(req, res, path);
      return send(req, res, jsonResponse(404, { message: `The route ${path.replace(/^\//, '')} could not be found.` }));
    } catch (e) {
      if (!res.headersSent) send(req, res, errorResponse(e, log));
      else res.destroy();
    }
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((e) => {
      log(`unhandled: ${e.stack ?? e}`);
      res.destroy();
    });
  });
  server.on('clientError', (err, socket) => {
    if (socket.writable && !socket.destroyed) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
    else socket.destroy();
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  const hostForUrl = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `http://${hostForUrl}:${address.port}`;
  processor.resumeAll();

  let closing = null;
  const close = () => {
    closing ??= (async () => {
      server.close();
      server.closeIdleConnections();
      await processor.close();
      const deadline = Date.now() + 5000;
      while (inFlight.size > 0 && Date.now() < deadline) await sleep(20);
      server.closeAllConnections();
      store.close();
    })();
    return closing;
  };

  return { url, port: address.port, host: address.address, token, tokenGenerated: generated, dbPath: config.db, account, faults, close };
}

function sha256(data) {
  return createHash('sha256').update(data).digest();
}

/** The API token: the one given, else the development token kept in the database. */
function resolveToken(store, given) {
  if (given) return { token: given, generated: false };
  let token = store.getMeta('dev_token');
  if (!token) {
    token = randomBytes(24).toString('base64url');
    store.setMeta('dev_token', token);
  }
  return { token, generated: true };
}

/** The one account behind the token, created with the database so its uuid is stable. */
function resolveAccount(store) {
  const saved = store.getMeta('account');
  if (saved) return JSON.parse(saved);
  const account = { uuid: randomUUID(), first_name: 'Dev', last_name: 'User', email: 'dev@example.test', created_at: Date.now() };
  store.setMeta('account', JSON.stringify(account));
  return account;
}

/** X-PLANNR-ACCOUNT-UUID, when sent, must name the token's account. */
function checkAccountHeader(req, account, required) {
  const value = req.headers['x-plannr-account-uuid'];
  if (value === undefined && !required) return;
  if (value !== account.uuid) throw new HttpError(403, { message: 'This action is unauthorized.' });
}

/** The origin download URLs are built on: --public-url, else the Host the client used. */
function baseUrl(req, config) {
  if (config.publicUrl) return config.publicUrl.replace(/\/$/, '');
  const host = req.headers.host;
  if (host && /^[A-Za-z0-9.\-]+(:\d+)?$|^\[[0-9A-Fa-f:.]+\](:\d+)?$/.test(host)) return `http://${host}`;
  const address = req.socket.localAddress?.includes(':') ? `[${req.socket.localAddress}]` : req.socket.localAddress;
  return `http://${address}:${req.socket.localPort}`;
}

/** Any error as a Response; an unexpected one is logged and answered 500. */
function errorResponse(e, log) {
  if (e instanceof HttpError) return e.toResponse();
  log(`error: ${e.stack ?? e}`);
  return jsonResponse(500, { message: 'Server Error' });
}
