#!/usr/bin/env node
// Generates a realistic `clients` import file, deterministically (same seed → same bytes).
//
//   node scripts/gen-clients.mjs --rows 1000000 --out build/bench/clients-1m.csv
//   node scripts/gen-clients.mjs --rows 40 --headers export --invalid 0.08 --out sample.csv
//
// The rows come from web/src/sample-clients.js (16 columns, about --invalid of the cells
// wrong, default 3%).
import { openSync, writeSync, closeSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { mulberry32 as rng } from '../web/src/seeded-random.js';
import { CANONICAL, EXPORT, clientRow, csvCell } from '../web/src/sample-clients.js';

function parseArgs(argv) {
  const args = { rows: 1000, out: '-', seed: 42, invalid: 0.03, headers: 'canonical', mode: 'store' };
  for (let i = 2; i < argv.length; i++) {
    const key = argv[i].replace(/^--/, '');
    const value = argv[++i];
    if (!(key in args) || value === undefined) {
      console.error(`gen-clients: unknown or incomplete option --${key}`);
      process.exit(2);
    }
    args[key] = typeof args[key] === 'number' ? Number(value) : value;
  }
  return args;
}

const args = parseArgs(process.argv);
const r = rng(args.seed);
const fd = args.out === '-' ? 1 : (mkdirSync(dirname(args.out), { recursive: true }), openSync(args.out, 'w'));
const header = (args.headers === 'export' ? EXPORT : CANONICAL).map(csvCell).join(',');
let chunk = `${header}\r\n`;
for (let i = 0; i < args.rows; i++) {
  chunk += `${clientRow(r, i, args.invalid, args.mode)}\r\n`;
  if (chunk.length > 1 << 20) {
    writeSync(fd, chunk);
    chunk = '';
  }
}
writeSync(fd, chunk);
if (fd !== 1) closeSync(fd);
