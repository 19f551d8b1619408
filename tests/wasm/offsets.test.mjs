// Offsets and counts past 4 GiB in the Wasm build, where size_t is 32 bits.
//
// Why a test is needed at all: in the core every offset or count that grows with the file
// is uint64_t (csv_row line/offset/length, the tokenizer's base offset and line counter, the
// decoder's bytes in/out, checkpoints and issue offsets, the reader's bytes_in, row_meta,
// the summary's counters, error_entry line/offset, batch first/last line, session_progress);
// size_t only indexes in-memory buffers, which the 256 MiB heap cap bounds. The Wasm build
// compiles the core with -Wconversion -Werror, which clang extends to -Wshorten-64-to-32 on
// wasm32, so an implicit uint64_t → size_t narrowing would not build; the explicit casts
// (csv.cpp, decode.cpp, session.cpp, batch.cpp) all apply to buffer-relative indices.
// Values leave the module as JSON numbers or doubles, exact up to 2^53.
//
// This test checks it end to end: a generated stream of more than 4 GiB, fed from one
// reused 1 MiB buffer (it is fed, never stored), with a failing row after the 4 GiB mark.
// Truncation to 32 bits anywhere on the path would change the numbers asserted here.
// UTF-8 runs in ~3 s here; Windows-1252 (decoded and original offsets differ, and the
// original ones go through the decoder's checkpoints) in ~3 s.
//
// Lines past 2^32 need more than 4 GiB of line breaks (blank lines): ~23 s here.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { loadPreflight } from './harness.mjs';

const MiB = 1 << 20;
const TWO_32 = 2 ** 32;
const CHUNKS = 4096 + 16; // 4 GiB + 16 MiB of rows
const HEADER = 'first_name,last_name,email,send_welcome_email,padding\n';
const ROW_BYTES = 8192;

function latin1(text) {
  return Uint8Array.from(text, (c) => {
    const code = c.charCodeAt(0);
    if (code > 255) throw new Error('not Latin-1');
    return code;
  });
}

async function feedBigStream({ encoding, encode, rowPrefix, badRow }) {
  const pf = await loadPreflight();
  const session = pf.openSession('clients', {
    mode: 'validate', today: '2026-01-15', encoding, errorCsv: true, batches: true, batchRows: 100000,
  });
  try {
    const header = encode(HEADER);
    const rowText = rowPrefix + 'x'.repeat(ROW_BYTES - encode(rowPrefix).length - 1) + '\n';
    assert.equal(encode(rowText).length, ROW_BYTES);
    const chunk = encode(rowText.repeat(MiB / ROW_BYTES));
    assert.equal(chunk.length, MiB);
    const errorCsv = [];
    let batchRows = 0;
    let lastBatch = null;
    const drain = () => {
      errorCsv.push(session.takeErrorCsv());
      for (let b; (b = session.nextBatch()); ) {
        batchRows += b.rows;
        lastBatch = b;
      }
    };
    session.feed(header);
    for (let i = 0; i < CHUNKS; i++) {
      session.feed(chunk);
      if (i % 64 === 63) drain();
    }
    session.feed(encode(badRow));
    session.finish();
    drain();
    return {
      summary: session.summary(),
      progress: session.progress(),
      errorCsv: Buffer.concat(errorCsv).toString('utf8'),
      batchRows,
      lastBatch,
      heapBytes: pf.HEAPU8.length,
      headerBytes: header.length,
      badBytes: encode(badRow).length,
    };
  } finally {
    session.close();
  }
}

function checkPast4GiB(r, badRowInCsv) {
  const rows = CHUNKS * (MiB / ROW_BYTES);
  const badOffset = r.headerBytes + CHUNKS * MiB; // the bad row starts here, past 2^32
  const badLine = rows + 2; // header on line 1
  assert.ok(badOffset > TWO_32);
  assert.equal(r.summary.preflight.bytes, badOffset + r.badBytes);
  assert.equal(r.progress.bytesRead, badOffset + r.badBytes);
  assert.equal(r.summary.preflight.lines, badLine);
  assert.equal(r.summary.total_jobs, rows + 1);
  assert.equal(r.summary.failed_jobs, 1);
  assert.equal(r.summary.preflight.clean_rows, rows);
  assert.deepEqual(r.summary.preflight.error_lines, [{ line: badLine, offset: badOffset }]);
  assert.equal(r.progress.rowsRead, rows + 1);
  // The error CSV names the line; the batches hold every clean row, the last one last.
  assert.ok(r.errorCsv.includes(`\r\n"${badLine}",${badRowInCsv}`), r.errorCsv.slice(0, 400));
  assert.equal(r.batchRows, rows);
  assert.equal(r.lastBatch.lastLine, badLine - 1);
  assert.equal(r.summary.preflight.batches.rows, rows);
  // The stream was fed, not stored: the heap stays small.
  assert.ok(r.heapBytes <= 64 * MiB, `Wasm heap grew to ${r.heapBytes} bytes`);
}

test('UTF-8 stream past 4 GiB: offsets, counts and the error CSV stay exact', async () => {
  const enc = new TextEncoder();
  const r = await feedBigStream({
    encoding: 'utf-8',
    encode: (t) => enc.encode(t),
    rowPrefix: 'Ada,Lovelace,ada@example.com,1,',
    badRow: 'Bob,,not-an-email,2,pad\n',
  });
  checkPast4GiB(r, '"Bob","","not-an-email","2","pad"');
});

test('Windows-1252 stream past 4 GiB: original offsets stay exact', async () => {
  const r = await feedBigStream({
    encoding: 'windows-1252',
    encode: latin1,
    rowPrefix: 'Zoé,Lovelace,zoe@example.com,1,é',
    badRow: 'Zoé,,not-an-email,2,é\n',
  });
  checkPast4GiB(r, '"Zoé","","not-an-email","2","é"');
});

test('line numbers past 2^32: 4 GiB of blank lines, then a failing row', async () => {
  const pf = await loadPreflight();
  const enc = new TextEncoder();
  const session = pf.openSession('clients', { mode: 'validate', today: '2026-01-15' });
  try {
    const header = enc.encode('first_name,last_name,email,send_welcome_email\n');
    const blank = new Uint8Array(MiB).fill(0x0a);
    session.feed(header);
    for (let i = 0; i < CHUNKS; i++) session.feed(blank);
    session.feed(enc.encode('Bob,,not-an-email,2\n'));
    session.finish();
    const s = session.summary();
    const badLine = CHUNKS * MiB + 2;
    assert.ok(badLine > TWO_32);
    assert.equal(s.preflight.blank_lines, CHUNKS * MiB);
    assert.equal(s.preflight.lines, badLine);
    assert.ok(new TextDecoder().decode(session.takeErrorCsv()).includes(`\r\n"${badLine}","Bob"`));
    assert.deepEqual(s.preflight.error_lines, [{ line: badLine, offset: header.length + CHUNKS * MiB }]);
  } finally {
    session.close();
  }
});
