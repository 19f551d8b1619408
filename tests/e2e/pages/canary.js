// canary.js — proves the violation detectors work: evaluates a string in the page and in a
// worker (both forbidden: no 'unsafe-eval'), so the test can check that each detector
// (the page's event, the worker's event via csp-listener.js, the server's report-uri)
// sees them. window.canaryDone resolves once both attempts were made.
window.cspViolations = [];
document.addEventListener('securitypolicyviolation', (event) => {
  window.cspViolations.push({ where: 'page', directive: event.violatedDirective, blocked: event.blockedURI });
});
new BroadcastChannel('csp-violations').onmessage = (event) => window.cspViolations.push(event.data);

function tryEval() {
  try {
    return (0, eval)('1 + 1');
  } catch (error) {
    return error.name;
  }
}

window.canaryDone = new Promise((resolve) => {
  const worker = new Worker(new URL('./canary-worker.js', import.meta.url), { type: 'module' });
  worker.onmessage = (event) => resolve({ page: tryEval(), worker: event.data });
});
