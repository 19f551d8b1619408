// router.js — matches a method and path to a route, answering as Laravel's router does
// when nothing matches: 404 "The route … could not be found." for an unknown path, 405
// "The X method is not supported for route …. Supported methods: …." (with Allow) for a
// known path and another method. HEAD is allowed wherever GET is. A trailing slash is
// ignored. `{name}` in a pattern matches one path segment.
import { HttpError } from './http-util.js';

/**
 * @typedef {object} Route
 * @property {string} method
 * @property {string} pattern e.g. "/api/v1/import/map/{uuid}"
 * @property {(ctx: object) => Promise<import('./http-util.js').Response>|import('./http-util.js').Response} handler
 * @property {'upload'|'small'} [body] how to read the body (none when absent)
 */

export class Router {
  /** @param {Route[]} routes */
  constructor(routes) {
    this.routes = routes.map((route) => ({ ...route, ...compile(route.pattern) }));
  }

  /**
   * @param {string} method
   * @param {string} path the URL path, still percent-encoded
   * @returns {{route: Route, params: Record<string, string>}}
   */
  match(method, path) {
    const trimmed = path.length > 1 ? path.replace(/\/+$/, '') : path;
    const allowed = new Set();
    for (const route of this.routes) {
      const m = route.regex.exec(trimmed);
      if (!m) continue;
      const methods = route.method === 'GET' ? ['GET', 'HEAD'] : [route.method];
      if (methods.includes(method)) {
        const params = Object.fromEntries(route.names.map((name, i) => [name, safeDecode(m[i + 1])]));
        return { route, params };
      }
      methods.forEach((m2) => allowed.add(m2));
    }
    const display = trimmed.replace(/^\//, '');
    if (allowed.size === 0) throw new HttpError(404, { message: `The route ${display} could not be found.` });
    const list = [...allowed].sort();
    throw new HttpError(405, {
      message: `The ${method} method is not supported for route ${display}. Supported methods: ${list.join(', ')}.`,
    }, { allow: list.join(', ') });
  }
}

function compile(pattern) {
  const names = [];
  const source = pattern
    .split('/')
    .map((part) => {
      const m = /^\{(\w+)\}$/.exec(part);
      if (!m) return part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      names.push(m[1]);
      return '([^/]+)';
    })
    .join('/');
  return { regex: new RegExp(`^${source}$`), names };
}

function safeDecode(segment) {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
