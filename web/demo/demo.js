// demo.js — the demo page: a <preflight-importer> plus a small form for the API address,
// the token and the account. The token is prefilled when the development server offers it:
//   1. demo-config.json beside this page (scripts/demo.sh writes it into the served copy,
//      on a server bound to 127.0.0.1: {"apiBase": "…", "token": "…"});
//   2. else a "#token=…&account=…&api=…" fragment (never sent to a server; removed from the
//      address bar at once).
// The token lives in this page's memory and the element's property only. Query-string
// parameters set the element's attributes (type, mode, batch-size, laravel).
import '../src/importer.js';

const importer = document.getElementById('importer');
const form = document.getElementById('connection');
const apiInput = document.getElementById('api-base');
const tokenInput = document.getElementById('token');
const accountInput = document.getElementById('account');
const status = document.getElementById('connection-status');
const events = document.getElementById('events');

// The element's plain attributes can be set from the query string, e.g.
// ?type=plans&mode=update&batch-size=500&laravel=9 (handy for links and tests).
const query = new URLSearchParams(location.search);
for (const name of ['type', 'mode', 'batch-size', 'laravel']) {
  if (query.get(name)) importer.setAttribute(name, query.get(name));
}

function apply({ announce = true } = {}) {
  importer.apiBase = apiInput.value.trim();
  importer.token = tokenInput.value.trim() || null;
  importer.account = accountInput.value.trim() || null;
  if (announce) {
    status.textContent = importer.token
      ? `Using ${importer.apiBase || 'this server'} with a token${importer.account ? ' and an account' : ''}.`
      : 'No token: checking works, importing and past imports need a token.';
  }
}

async function prefill() {
  apiInput.value = location.origin;
  const fragment = new URLSearchParams(location.hash.slice(1));
  if (location.hash) history.replaceState(null, '', location.pathname + location.search);
  let config = null;
  try {
    const response = await fetch('demo-config.json', { cache: 'no-store' });
    if (response.ok) config = await response.json();
  } catch {
    config = null;
  }
  if (config?.apiBase) apiInput.value = config.apiBase;
  if (config?.token) tokenInput.value = config.token;
  if (config?.account) accountInput.value = config.account;
  if (fragment.get('api')) apiInput.value = fragment.get('api');
  if (fragment.get('token')) tokenInput.value = fragment.get('token');
  if (fragment.get('account')) accountInput.value = fragment.get('account');
  apply();
  if (config?.token || fragment.get('token')) status.textContent = 'The development server’s token is filled in.';
}

form.addEventListener('submit', (event) => {
  event.preventDefault();
  apply();
});

function log(name, detail) {
  const brief = { ...detail };
  delete brief.error;
  if (brief.summary) brief.summary = { status: brief.summary.status, total_jobs: brief.summary.total_jobs, failed_jobs: brief.summary.failed_jobs };
  if (brief.errorReport) brief.errorReport = `${brief.errorReport.name ?? 'Blob'} (${brief.errorReport.size} bytes)`;
  const item = document.createElement('li');
  item.textContent = `${new Date().toLocaleTimeString()} ${name} ${JSON.stringify(brief)}`;
  events.prepend(item);
}
for (const name of ['mapped', 'validated', 'imported', 'error']) {
  importer.addEventListener(name, (event) => log(name, event.detail));
}

prefill();
