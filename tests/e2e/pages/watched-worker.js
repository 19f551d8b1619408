// watched-worker.js — the library's worker with a CSP violation listener installed before
// it (static imports run in order). Engines created with
// createPreflight({workerUrl: new URL('./watched-worker.js', import.meta.url)}) use it.
import './csp-listener.js';
import '../../../web/src/worker.js';
