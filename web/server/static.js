// static.js — serves a directory at "/" (the demo page, the library, the Wasm engine).
//
// Safe by construction: the URL path is decoded segment by segment; a segment that is
// empty-after-decoding, ".", "..", a dotfile, or holds "/", "\" or NUL is refused (404, so
// nothing about the disk leaks); the resolved real path (symlinks followed) must still be
// inside the root's real path. Only GET and HEAD. MIME types are explicit — .wasm is
// application/wasm, so instantiateStreaming works; .js/.mjs are text/javascript, which
// module workers require — and every response has X-Content-Type-Options: nosniff plus
// the configured headers (a Content-Security-Policy, for instance).
import { createReadStream } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import { extname, join, sep } from 'node:path';

export const MIME_TYPES = Object.freeze({
  '.html': 'text/html; charset=utf-8',
  '.htm': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.ico': 'image/x-icon',
  '.webp': 'image/webp',
  '.txt': 'text/plain; charset=utf-8',
  '.csv': 'text/csv; charset=utf-8',
  '.tsv': 'text/tab-separated-values; charset=utf-8',
  '.woff2': 'font/woff2',
  '.webmanifest': 'application/manifest+json',
});

/**
 * @param {string} root the directory to serve
 * @param {Record<string, string>} extraHeaders added to every static response
 */
export function createStaticHandler(root, extraHeaders = {}) {
  let rootReal = null;
  const notFound = (res) => send(res, 404, { 'content-type': 'text/plain; charset=utf-8', ...extraHeaders }, 'Not Found\n');

  /**
   * @param {import('node:http').IncomingMessage} req
   * @param {import('node:http').ServerResponse} res
   * @param {string} pathname the raw (still percent-encoded) URL path
   */
  return async function serveStatic(req, res, pathname) {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      return send(res, 405, { allow: 'GET, HEAD', 'content-type': 'text/plain; charset=utf-8', ...extraHeaders }, 'Method Not Allowed\n');
    }
    rootReal ??= await realpath(root);
    const segments = safeSegments(pathname);
    if (!segments) return notFound(res);
    let file = join(rootReal, ...segments);
    let info;
    try {
      file = await realpath(file);
      if (file !== rootReal && !file.startsWith(rootReal + sep)) return notFound(res);
      info = await stat(file);
      if (info.isDirectory()) {
        if (!pathname.endsWith('/')) {
          return send(res, 301, { location: `${pathname}/`, ...extraHeaders }, '');
        }
        file = join(file, 'index.html');
        info = await stat(file);
      }
    } catch {
      return notFound(res);
    }
    if (!info.isFile()) return notFound(res);
    const etag = `W/"${info.size.toString(16)}-${Math.floor(info.mtimeMs).toString(16)}"`;
    const headers = {
      'content-type': MIME_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream',
      'last-modified': info.mtime.toUTCString(),
      etag,
      'cache-control': 'no-cache',
      'x-content-type-options': 'nosniff',
      ...extraHeaders,
    };
    if (req.headers['if-none-match'] === etag) return send(res, 304, headers, '');
    headers['content-length'] = String(info.size);
    res.writeHead(200, headers);
    if (req.method === 'HEAD') return res.end();
    const stream = createReadStream(file);
    stream.on('error', () => res.destroy());
    stream.pipe(res);
  };
}

/** The decoded path segments, or null when any of them is unsafe. */
export function safeSegments(pathname) {
  const segments = [];
  for (const raw of pathname.split('/').filter((s) => s !== '')) {
    let segment;
    try {
      segment = decodeURIComponent(raw);
    } catch {
      return null;
    }
    if (segment === '' || segment.startsWith('.') || /[/\\\0]/.test(segment)) return null;
    segments.push(segment);
  }
  return segments;
}

function send(res, status, headers, body) {
  res.writeHead(status, headers);
  res.end(body);
}
