#!/usr/bin/env node
// main.js — the reference import server's command line.
//
//   node web/server/main.js [--port 8080] [--host 127.0.0.1] [--db data/preflight-server.sqlite]
//                           [--token T] [--cors-origin ORIGIN]... [--static DIR]
//                           [--static-header "Name: value"]... [--faults JSON]
//                           [--process-delay-ms N] [--slice-bytes N] [--rate-limit N]
//                           [--rate-window-s N] [--max-upload-bytes N] [--max-body-bytes N]
//                           [--laravel 9|10] [--today YYYY-MM-DD] [--public-url URL]
//                           [--require-account-header] [--quiet]
//
// The first line printed is "preflight-server listening on http://HOST:PORT" (with
// --port 0 the system picks the port; tests read it from there). Without --token the
// development token kept in the database is printed on the next line. SIGINT/SIGTERM shut
// down gracefully: no new connections, requests in flight finish, processing stops at a
// slice boundary (and resumes on the next start).
//
// startServer() is exported too, for running the server in-process (tests).
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

import { DEFAULTS, startServer } from './server.js';

export { DEFAULTS, startServer };

const USAGE = `Usage: node web/server/main.js [options]

  --port N                  port to listen on (default ${DEFAULTS.port}; 0 = any free port)
  --host ADDR               address to bind (default ${DEFAULTS.host})
  --db FILE                 SQLite database file (default data/preflight-server.sqlite)
  --token T                 the bearer token to accept (default: a development token,
                            generated once, kept in the database and printed)
  --cors-origin ORIGIN      an origin allowed by CORS (repeatable, or comma-separated; * = any)
  --static DIR              also serve DIR at /
  --static-header "N: V"    a header on every static response, e.g. a CSP (repeatable)
  --faults JSON             fault injection, e.g. '{"error500":0.1,"rate429":0.1,"retryAfter":1,
                            "slow":0.1,"slowMs":200,"dropAfterAct":0.1,"seed":42}'
  --process-delay-ms N      pause between processing slices (default 0)
  --slice-bytes N           bytes of the file processed per slice (default ${DEFAULTS.sliceBytes})
  --rate-limit N            requests per window and user (default ${DEFAULTS.rateLimit}; 0 = off)
  --rate-window-s N         the rate-limit window in seconds (default ${DEFAULTS.rateWindowMs / 1000})
  --max-upload-bytes N      largest create request body (default ${DEFAULTS.maxUploadBytes})
  --max-body-bytes N        largest other request body (default ${DEFAULTS.maxBodyBytes})
  --laravel 9|10            Laravel wording of messages (default ${DEFAULTS.laravel})
  --today YYYY-MM-DD        the date "today" means in rules (default: the real date)
  --public-url URL          base of error_report.download_url (default: from the Host header)
  --require-account-header  refuse requests without X-PLANNR-ACCOUNT-UUID
  --quiet                   no request log
  --help                    this text
`;

/** Options that take a value, and how each is read into startServer's options. */
const VALUE_OPTIONS = {
  '--port': (o, v) => { o.port = integer('--port', v, 0, 65535); },
  '--host': (o, v) => { o.host = v; },
  '--db': (o, v) => { o.db = resolve(v); },
  '--token': (o, v) => { o.token = v; },
  '--cors-origin': (o, v) => { o.corsOrigins = [...(o.corsOrigins ?? []), ...v.split(',').map((s) => s.trim()).filter(Boolean)]; },
  '--static': (o, v) => { o.staticDir = resolve(v); },
  '--static-header': (o, v) => {
    const colon = v.indexOf(':');
    if (colon <= 0) throw new Error(`--static-header: expected "Name: value", got "${v}"`);
    o.staticHeaders = { ...(o.staticHeaders ?? {}), [v.slice(0, colon).trim().toLowerCase()]: v.slice(colon + 1).trim() };
  },
  '--faults': (o, v) => {
    try {
      o.faults = JSON.parse(v);
    } catch (e) {
      throw new Error(`--faults: not valid JSON: ${e.message}`);
    }
  },
  '--process-delay-ms': (o, v) => { o.processDelayMs = integer('--process-delay-ms', v, 0); },
  '--slice-bytes': (o, v) => { o.sliceBytes = integer('--slice-bytes', v, 1); },
  '--rate-limit': (o, v) => { o.rateLimit = integer('--rate-limit', v, 0); },
  '--rate-window-s': (o, v) => { o.rateWindowMs = integer('--rate-window-s', v, 1) * 1000; },
  '--max-upload-bytes': (o, v) => { o.maxUploadBytes = integer('--max-upload-bytes', v, 1); },
  '--max-body-bytes': (o, v) => { o.maxBodyBytes = integer('--max-body-bytes', v, 1); },
  '--laravel': (o, v) => {
    if (v !== '9' && v !== '10') throw new Error(`--laravel: expected 9 or 10, got "${v}"`);
    o.laravel = v;
  },
  '--today': (o, v) => {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(v)) throw new Error(`--today: expected YYYY-MM-DD, got "${v}"`);
    o.today = v;
  },
  '--public-url': (o, v) => { o.publicUrl = v; },
};

function integer(name, value, min, max = Number.MAX_SAFE_INTEGER) {
  if (!/^\d+$/.test(value ?? '') || Number(value) < min || Number(value) > max) {
    throw new Error(`${name}: expected an integer from ${min}${max < Number.MAX_SAFE_INTEGER ? ` to ${max}` : ''}, got "${value}"`);
  }
  return Number(value);
}

/**
 * The command line → startServer options (plus quiet/help).
 * @param {string[]} argv
 */
export function parseArgs(argv) {
  const options = {};
  let quiet = false;
  let help = false;
  for (let i = 0; i < argv.length; i++) {
    let arg = argv[i];
    let value;
    const eq = arg.indexOf('=');
    if (arg.startsWith('--') && eq > 0) {
      value = arg.slice(eq + 1);
      arg = arg.slice(0, eq);
    }
    if (arg === '--quiet') quiet = true;
    else if (arg === '--require-account-header') options.requireAccountHeader = true;
    else if (arg === '--help' || arg === '-h') help = true;
    else if (VALUE_OPTIONS[arg]) {
      if (value === undefined) {
        if (i + 1 >= argv.length) throw new Error(`${arg} needs a value`);
        value = argv[++i];
      }
      VALUE_OPTIONS[arg](options, value);
    } else {
      throw new Error(`unknown option "${arg}" (see --help)`);
    }
  }
  return { options, quiet, help };
}

async function main() {
  let parsed;
  try {
    parsed = parseArgs(process.argv.slice(2));
  } catch (e) {
    process.stderr.write(`preflight-server: ${e.message}\n`);
    process.exit(2);
  }
  if (parsed.help) {
    process.stdout.write(USAGE);
    return;
  }
  const log = parsed.quiet ? null : (line) => process.stdout.write(`${new Date().toISOString()} ${line}\n`);
  let server;
  try {
    server = await startServer({ ...parsed.options, log });
  } catch (e) {
    process.stderr.write(`preflight-server: ${e.message}\n`);
    process.exit(1);
  }
  // Handlers first: a supervisor may signal as soon as it reads the lines below.
  let stopping = false;
  const stop = async (signal) => {
    if (stopping) return;
    stopping = true;
    process.stdout.write(`${signal}: shutting down\n`);
    await server.close();
    process.stdout.write('stopped\n');
    process.exit(0);
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.stdout.write(`preflight-server listening on ${server.url}\n`);
  process.stdout.write(server.tokenGenerated
    ? `development token: ${server.token}\n  (try: curl -H "Authorization: Bearer ${server.token}" ${server.url}/api/v1/import)\n`
    : 'token: the one given with --token\n');
  process.stdout.write(`database: ${server.dbPath}\n`);
  if (parsed.options.staticDir) process.stdout.write(`static files: ${parsed.options.staticDir} at ${server.url}/\n`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  await main();
}
