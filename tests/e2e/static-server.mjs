// static-server.mjs — the loopback HTTP server the browser tests load their pages from.
//
//   const server = await startStaticServer({ root: repoRoot });
//   page.goto(`${server.origin}/tests/e2e/pages/validate.html`);
//   … server.cspReports   // every CSP violation report the browser sent
//   await server.close();
//
// It serves files under `root` (GET and HEAD only) with the MIME types a module page needs
// (`text/javascript` for .js/.mjs, `application/wasm` so instantiateStreaming works), and
// sends the same strict Content-Security-Policy on every response, so the page, the module
// worker (whose policy comes from its own response) and the Wasm glue all run under it. The
// policy allows 'wasm-unsafe-eval' and never 'unsafe-eval'; no inline script, no blob:
// workers. Violations are reported to POST /csp-report (report-uri: Chromium sends one
// report per violation, from the page and from workers alike) and kept in `cspReports`.
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer } from 'node:http';
import { extname, join, resolve, sep } from 'node:path';

export const CSP_REPORT_PATH = '/csp-report';

/** The policy every test page and the demo are served with: no 'unsafe-eval', nothing inline. */
export const STRICT_CSP = [
  "default-src 'none'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "worker-src 'self'",
  "connect-src 'self'",
  "style-src 'self'",
  "img-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** The same, with violations reported to this server. */
export const CONTENT_SECURITY_POLICY = `${STRICT_CSP}; report-uri ${CSP_REPORT_PATH}`;

const MIME_TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.css': 'text/css; charset=utf-8',
  '.csv': 'text/csv; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
};

/** The largest CSP report body accepted; a report is a few hundred bytes. */
const MAX_REPORT_BYTES = 64 << 10;

/**
 * Starts the server on 127.0.0.1 and a free port.
 * @param {{root: string, log?: (line: string) => void}} options
 * @returns {Promise<{origin: string, cspReports: object[], requests: string[], close: () => Promise<void>}>}
 */
export async function startStaticServer({ root, log = () => {} }) {
  const rootDir = resolve(root);
  /** @type {object[]} */
  const cspReports = [];
  /** @type {string[]} request lines, for diagnosing a failed test */
  const requests = [];

  const server = createServer((req, res) => {
    requests.push(`${req.method} ${req.url}`);
    res.setHeader('Content-Security-Policy', CONTENT_SECURITY_POLICY);
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Cache-Control', 'no-store');
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (req.method === 'POST' && path === CSP_REPORT_PATH) {
      receiveReport(req, res, cspReports, log);
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      reply(res, 405, `${req.method} is not allowed\n`);
      return;
    }
    serveFile(rootDir, path, req, res).catch((error) => {
      log(`static-server: ${path}: ${error.message}`);
      if (!res.headersSent) reply(res, 500, 'internal error\n');
      else res.destroy();
    });
  });

  await new Promise((ok, fail) => {
    server.once('error', fail);
    server.listen(0, '127.0.0.1', ok);
  });
  const { port } = /** @type {import('node:net').AddressInfo} */ (server.address());
  return {
    origin: `http://127.0.0.1:${port}`,
    cspReports,
    requests,
    close: () =>
      new Promise((ok) => {
        server.closeAllConnections();
        server.close(() => ok());
      }),
  };
}

function reply(res, status, text) {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8' });
  res.end(text);
}

/** Maps a URL path onto a file under rootDir; null when it would leave rootDir. */
function filePathFor(rootDir, urlPath) {
  let decoded;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  if (decoded.includes('\0')) return null;
  const full = resolve(join(rootDir, decoded));
  return full === rootDir || full.startsWith(rootDir + sep) ? full : null;
}

async function serveFile(rootDir, urlPath, req, res) {
  const file = filePathFor(rootDir, urlPath);
  if (!file) {
    reply(res, 403, 'forbidden\n');
    return;
  }
  let info;
  try {
    info = await stat(file);
  } catch {
    reply(res, 404, `not found: ${urlPath}\n`);
    return;
  }
  if (!info.isFile()) {
    reply(res, 404, `not a file: ${urlPath}\n`);
    return;
  }
  res.writeHead(200, {
    'Content-Type': MIME_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream',
    'Content-Length': info.size,
  });
  if (req.method === 'HEAD') {
    res.end();
    return;
  }
  createReadStream(file).on('error', () => res.destroy()).pipe(res);
}

/** Keeps one CSP report (application/csp-report: {"csp-report": {...}}). */
function receiveReport(req, res, cspReports, log) {
  const parts = [];
  let size = 0;
  req.on('data', (part) => {
    size += part.length;
    if (size <= MAX_REPORT_BYTES) parts.push(part);
  });
  req.on('end', () => {
    const text = Buffer.concat(parts).toString('utf8');
    let report;
    try {
      const body = JSON.parse(text);
      report = body['csp-report'] ?? body;
    } catch {
      report = { unparsed: text.slice(0, 2000) };
    }
    cspReports.push(report);
    log(`static-server: CSP violation reported: ${JSON.stringify(report)}`);
    res.writeHead(204);
    res.end();
  });
}
