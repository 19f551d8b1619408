#!/usr/bin/env node
// cpuprofile-top.mjs — the functions with the most self time in a V8 .cpuprofile (from
// `node --cpu-prof`), Wasm functions included when the module keeps its names
// (link with --profiling-funcs). Used to compare the Wasm build's hot spots with native
// `perf report`.
//
//   node bench/cpuprofile-top.mjs PROFILE.cpuprofile [--top 25] [--after SECONDS]
//
// --after skips the first SECONDS of samples: V8 runs Wasm on its baseline compiler
// (Liftoff) until a function is hot enough for TurboFan, so the early samples describe the
// warm-up, the later ones the steady state.
import { readFileSync } from 'node:fs';

function parseArgs(argv) {
  const args = { file: argv[2], top: 25, after: 0 };
  for (let i = 3; i < argv.length; i += 2) args[argv[i].replace(/^--/, '')] = Number(argv[i + 1]);
  if (!args.file) throw new Error('usage: cpuprofile-top.mjs PROFILE.cpuprofile [--top N] [--after SECONDS]');
  return args;
}

/** Self-time sample counts per function name (the profile's nodes share names per call site). */
function selfSamples(profile, afterMicros) {
  const names = new Map(profile.nodes.map((n) => [n.id, n.callFrame.functionName || `(${n.callFrame.url || 'anonymous'})`]));
  const counts = new Map();
  let t = profile.startTime;
  let total = 0;
  profile.samples.forEach((id, i) => {
    t += profile.timeDeltas[i];
    if (t - profile.startTime < afterMicros) return;
    const name = names.get(id);
    counts.set(name, (counts.get(name) ?? 0) + 1);
    total++;
  });
  return { counts, total };
}

const args = parseArgs(process.argv);
const profile = JSON.parse(readFileSync(args.file, 'utf8'));
const { counts, total } = selfSamples(profile, args.after * 1e6);
const seconds = (profile.endTime - profile.startTime) / 1e6;
console.log(`${args.file}: ${total} samples over ${seconds.toFixed(2)} s (skipping the first ${args.after} s)`);
for (const [name, n] of [...counts].sort((a, b) => b[1] - a[1]).slice(0, args.top)) {
  console.log(`${((100 * n) / total).toFixed(2).padStart(7)}%  ${name.length > 110 ? `${name.slice(0, 107)}...` : name}`);
}
