// csp-listener.js — imported first by the test's worker wrappers: forwards every CSP
// violation inside the worker to the page over a BroadcastChannel (the page collects them
// with its own violations in window.cspViolations).
const channel = new BroadcastChannel('csp-violations');

self.addEventListener('securitypolicyviolation', (event) => {
  channel.postMessage({
    where: `worker ${self.location.pathname}`,
    directive: event.violatedDirective,
    blocked: event.blockedURI,
    source: event.sourceFile,
    line: event.lineNumber,
  });
});
