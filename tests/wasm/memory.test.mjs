// The Wasm heap stays under 64 MB while a file of more than 1 GB is checked, with the error
// CSV and the batches on, drained after every 1 MiB piece as web/src/worker.js drains them.
//
// The stream is generated in memory and never stored whole: a pool of distinct 1 MiB pieces
// of realistic clients rows (names with accents, quoted notes with commas, doubled quotes
// and line breaks, ~6% of rows failing in different ways) is built once and fed in a
// shuffled order until more than 1 GiB has gone through. Every count is known in advance,
// so the test also proves no row was lost on the way. ~20–40 s on this 2-core machine.
//
//   node --test tests/wasm/memory.test.mjs      (after scripts/build.sh wasm)
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { loadPreflight, TODAY } from './harness.mjs';
import { mulberry32 as rng } from '../../web/src/seeded-random.js';

const MiB = 1 << 20;
const TARGET_BYTES = 1024 * MiB + 1; // more than 1 GiB
const HEAP_LIMIT = 64 * 1000 * 1000; // 64 MB
const POOL_PIECES = 24;

const HEADER = 'title,first_name,last_name,email,phone,date_of_birth,gender,send_welcome_email,value,client_preferences\r\n';
const FIRST = ['Oliver', 'Amelia', 'George', 'Isla', 'Zoë', 'Siân', 'Seán', 'Chloé', 'Muhammad', 'Florence'];
const LAST = ['Smith', "O'Brien", 'Müller', 'Patel', 'Nowak', 'Jones', 'Evans', 'Walker'];
/** client_preferences cells, already CSV-quoted where they need it. */
const NOTES = ['', '', '"Prefers email, not phone"', '"""Joint review"" requested"', '"Line one\nline two"', '"Met at the ""Retire Well"" seminar, 2023"'];
/** Ways a row fails, each breaking one rule. */
const BREAKS = [
  (cells) => { cells[3] = cells[3].replace('@', ' at '); },      // email
  (cells) => { cells[5] = '31/02/1980'; },                         // date
  (cells) => { cells[7] = 'yes please'; },                         // boolean
  (cells) => { cells[8] = '£300'; },                               // number
  (cells) => { cells[4] = '4.47912E+11'; },                        // a phone Excel turned into a number
];

function makeRow(r, i, fail) {
  const pick = (list) => list[Math.floor(r() * list.length)];
  const first = pick(FIRST);
  const last = pick(LAST);
  const day = String(1 + Math.floor(r() * 28)).padStart(2, '0');
  const month = String(1 + Math.floor(r() * 12)).padStart(2, '0');
  const cells = [
    pick(['Mr', 'Mrs', 'Ms', 'Dr', 'Mx']),
    first,
    last,
    `${first}.${last}${i}@example.com`.toLowerCase().replace(/[^a-z0-9.@]/g, ''),
    `07${String(Math.floor(r() * 1e9)).padStart(9, '0')}`,
    `${day}/${month}/${1940 + Math.floor(r() * 65)}`,
    pick(['male', 'female', 'other']),
    pick(['1', '0', 'true', 'false']),
    String(Math.floor(r() * 5e6)),
    pick(NOTES),
  ];
  if (fail) BREAKS[i % BREAKS.length](cells);
  return `${cells.join(',')}\r\n`;
}

/** POOL_PIECES pieces of whole rows, ~1 MiB each, with their row and failure counts. */
function makePool() {
  const r = rng(7);
  const encoder = new TextEncoder();
  const pool = [];
  let i = 0;
  for (let p = 0; p < POOL_PIECES; p++) {
    const rows = [];
    let bytes = 0;
    let failing = 0;
    while (bytes < MiB - 512) {
      const fail = r() < 0.06;
      const row = makeRow(r, i++, fail);
      rows.push(row);
      bytes += Buffer.byteLength(row);
      if (fail) failing++;
    }
    pool.push({ bytes: encoder.encode(rows.join('')), rows: rows.length, failing });
  }
  return pool;
}

test('a >1 GiB clients stream, error CSV and batches on, keeps the Wasm heap under 64 MB', async () => {
  const pf = await loadPreflight();
  const pool = makePool();
  const order = rng(11);
  const session = pf.openSession('clients', {
    mode: 'store', today: TODAY, fileName: 'clients-1gb.csv', errorCsv: true, batches: true, batchRows: 1000,
  });
  let peakHeap = pf.HEAPU8.buffer.byteLength;
  let fed = 0;
  let rows = 0;
  let failing = 0;
  let errorCsvBytes = 0;
  let batchRows = 0;
  let batchCount = 0;
  const drain = () => {
    errorCsvBytes += session.takeErrorCsv().length;
    for (let b; (b = session.nextBatch()); ) {
      assert.equal(b.index, batchCount++);
      batchRows += b.rows;
    }
    peakHeap = Math.max(peakHeap, pf.HEAPU8.buffer.byteLength);
  };
  const started = performance.now();
  try {
    session.feed(new TextEncoder().encode(HEADER));
    fed += HEADER.length;
    while (fed < TARGET_BYTES) {
      const piece = pool[Math.floor(order() * pool.length)];
      session.feed(piece.bytes);
      fed += piece.bytes.length;
      rows += piece.rows;
      failing += piece.failing;
      peakHeap = Math.max(peakHeap, pf.HEAPU8.buffer.byteLength);
      drain();
      assert.ok(peakHeap < HEAP_LIMIT, `the Wasm heap reached ${peakHeap} bytes after ${fed} bytes`);
    }
    session.finish();
    drain();
    const seconds = (performance.now() - started) / 1000;
    const summary = session.summary();
    console.log(`# ${(fed / MiB).toFixed(0)} MiB, ${rows} rows in ${seconds.toFixed(1)} s (${(fed / 1e6 / seconds).toFixed(1)} MB/s); ` +
      `Wasm heap peak ${(peakHeap / MiB).toFixed(1)} MiB; error CSV ${(errorCsvBytes / MiB).toFixed(1)} MiB; ${batchCount} batches`);

    assert.ok(fed > 1024 * MiB);
    assert.ok(peakHeap < HEAP_LIMIT, `the Wasm heap peaked at ${peakHeap} bytes`);
    assert.equal(summary.status, 'completed');
    assert.equal(summary.total_jobs, rows);
    assert.equal(summary.failed_jobs, failing);
    assert.equal(summary.preflight.bytes, fed);
    assert.equal(batchRows, rows - failing, 'every clean row is in a batch');
    assert.equal(summary.preflight.batches.rows, batchRows);
    assert.equal(summary.preflight.batches.count, batchCount);
    assert.equal(Number(summary.error_report.size), errorCsvBytes, 'every error CSV byte was drained');
    assert.equal(summary.errors.length, 25, 'the summary keeps the first 25 errors');
  } finally {
    session.close();
  }
});

test('update mode: the duplicate-key check stays inside the heap limit past its key cap', async () => {
  // 2.5 M distinct uuids, more than the check remembers (1.5 M by default): the heap stays
  // under 64 MB, no row is called a duplicate, a repeat of an early key still is, and one
  // warning names the line where the check stopped remembering new keys.
  const pf = await loadPreflight();
  const session = pf.openSession('clients', { mode: 'update', today: TODAY, errorCsv: true, batches: true });
  const encoder = new TextEncoder();
  const uuid = (i) => `00000000-0000-4000-8000-${i.toString(16).padStart(12, '0')}`;
  const ROWS = 2_500_000;
  const PER_PIECE = 10_000;
  let peakHeap = 0;
  try {
    session.feed(encoder.encode('uuid,first_name,send_welcome_email\n'));
    for (let start = 0; start < ROWS; start += PER_PIECE) {
      let text = '';
      for (let i = start; i < start + PER_PIECE; i++) text += `${uuid(i)},P${i},1\n`;
      session.feed(encoder.encode(text));
      session.takeErrorCsv();
      while (session.nextBatch());
      peakHeap = Math.max(peakHeap, pf.HEAPU8.buffer.byteLength);
    }
    session.feed(encoder.encode(`${uuid(7)},again,1\n`)); // held: reported
    session.finish();
    const summary = session.summary();
    assert.ok(peakHeap < HEAP_LIMIT, `the Wasm heap peaked at ${peakHeap} bytes`);
    assert.equal(summary.total_jobs, ROWS + 1);
    assert.equal(summary.failed_jobs, 1);
    assert.equal(summary.errors[0].errors.uuid[0], 'The uuid field has a duplicate value.');
    const limited = summary.preflight.warnings.filter((w) => w.code === 'duplicate_check_limited');
    assert.equal(limited.length, 1);
    assert.deepEqual(limited[0].lines, [1_500_000 + 2]);
  } finally {
    session.close();
  }
});
