// canary-worker.js — breaks the CSP inside a worker on purpose (see canary.js).
import './csp-listener.js';

let outcome;
try {
  outcome = (0, eval)('1 + 1');
} catch (error) {
  outcome = error.name;
}
// Give the violation event a moment to be dispatched and forwarded before answering.
setTimeout(() => self.postMessage(outcome), 50);
