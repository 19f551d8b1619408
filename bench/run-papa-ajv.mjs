#!/usr/bin/env node
// run-papa-ajv.mjs — the JavaScript stack a web importer would otherwise use, as one
// contender of bench/compare.mjs: Papa Parse to parse, ajv to validate each row.
//
//   node --max-old-space-size=8192 bench/run-papa-ajv.mjs whole|step FILE TYPES_JSON
//     → one JSON line on stdout
//
// whole: what typical importers do — the file's text, Papa.parse(text, {header: true,
//        skipEmptyLines: true}) into an array of row objects, then ajv over every row.
// step:  the fairer streaming variant — Papa's `step` callback on a 1 MiB-chunk read
//        stream, each row validated as it arrives, nothing kept.
// The schema is built from the engine's types JSON (bench/clients-schema.mjs); ajv runs
// with allErrors: true, as an importer listing every problem of a row must.
import { createReadStream, readFileSync } from 'node:fs';
import Ajv from 'ajv';
import Papa from 'papaparse';
import { buildRowSchema } from './clients-schema.mjs';

const CHUNK = 1 << 20;

/** Parses the whole text into row objects, then validates them: the typical importer. */
function runWhole(file, validate) {
  const t0 = performance.now();
  const text = readFileSync(file, 'utf8');
  const t1 = performance.now();
  const parsed = Papa.parse(text, { header: true, skipEmptyLines: true });
  const t2 = performance.now();
  let failed = 0;
  for (const row of parsed.data) if (!validate(row)) failed++;
  const t3 = performance.now();
  // Measured while the rows are still referenced, as an importer holding them would be.
  const heapUsed = process.memoryUsage().heapUsed;
  return {
    rows: parsed.data.length, failed, parseErrors: parsed.errors.length, heapUsedBytes: heapUsed,
    phases: { read: (t1 - t0) / 1000, parse: (t2 - t1) / 1000, validate: (t3 - t2) / 1000 },
  };
}

/** Streams the file through Papa's `step`, validating each row as it is parsed. */
function runStep(file, validate) {
  return new Promise((resolve, reject) => {
    let rows = 0;
    let failed = 0;
    let parseErrors = 0;
    const stream = createReadStream(file, { encoding: 'utf8', highWaterMark: CHUNK });
    stream.on('error', reject);
    Papa.parse(stream, {
      header: true,
      skipEmptyLines: true,
      step(result) {
        rows++;
        parseErrors += result.errors.length;
        if (!validate(result.data)) failed++;
      },
      complete: () => resolve({ rows, failed, parseErrors }),
      error: reject,
    });
  });
}

const [mode, file, typesPath] = process.argv.slice(2);
if (mode !== 'whole' && mode !== 'step') throw new Error('usage: run-papa-ajv.mjs whole|step FILE TYPES_JSON');
const { schema } = buildRowSchema(JSON.parse(readFileSync(typesPath, 'utf8')), 'clients');
const validate = new Ajv({ allErrors: true }).compile(schema);
const cpu = process.cpuUsage();
const start = performance.now();
const result = mode === 'whole' ? runWhole(file, validate) : await runStep(file, validate);
const seconds = (performance.now() - start) / 1000;
const used = process.cpuUsage(cpu);  // every thread: the garbage collector's helpers too
console.log(JSON.stringify({ ...result, seconds, cpuSeconds: (used.user + used.system) / 1e6, maxRssKB: process.resourceUsage().maxRSS }));
