// units.test.mjs — the small parts of the client on their own: the streaming SHA-256 and
// hashFile (against Node's crypto), the CSV helpers (records with line numbers, the marker
// column, the neutralised error CSV), original-line mapping, the token bucket (a fake
// clock: no timing), run keys, and the memory store's copy and lock semantics.
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { describe, test } from 'node:test';

import { originalLines, RateLimiter } from '../../web/src/batch-poster.js';
import { canonicalJson, hashFile, Sha256, sha256Hex } from '../../web/src/hash.js';
import { appendColumn, neutralisedCell, parseCsvRecords, unneutralised, writeErrorCsv } from '../../web/src/report-csv.js';
import { MemoryResumeStore, RunLockedError, runKeyOf } from '../../web/src/resume-store.js';

const nodeSha = (b) => createHash('sha256').update(b).digest('hex');

describe('hash', () => {
  test('the streaming SHA-256 matches node:crypto at every block boundary, fed in any pieces', () => {
    for (const n of [0, 1, 3, 55, 56, 57, 63, 64, 65, 119, 120, 127, 128, 129, 1000, 65_537]) {
      const data = randomBytes(n);
      const h = new Sha256();
      for (let at = 0; at < n;) {
        const k = Math.min(n - at, 1 + ((at * 7919) % 97));
        h.update(data.subarray(at, at + k));
        at += k;
      }
      assert.equal(h.hex(), nodeSha(data), `${n} bytes`);
    }
    assert.equal(new Sha256().update(new TextEncoder().encode('abc')).hex(), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    const h = new Sha256();
    h.digest();
    assert.throws(() => h.update(new Uint8Array(1)), /after digest/);
  });

  test('hashFile reads in slices and gives the file\'s SHA-256, the same as WebCrypto', async () => {
    const data = randomBytes(300_001);
    const seen = [];
    const digest = await hashFile(new Blob([data]), { sliceBytes: 65_536, onProgress: (done) => seen.push(done) });
    assert.equal(digest, nodeSha(data));
    assert.equal(digest, await sha256Hex(data));
    assert.deepEqual(seen, [65_536, 131_072, 196_608, 262_144, 300_001]);
    assert.equal(await hashFile(new Blob([data.subarray(0, 10)])), nodeSha(data.subarray(0, 10)));
    await assert.rejects(hashFile(new Blob([data]), { signal: AbortSignal.abort() }), (e) => e.name === 'AbortError');
  });

  test('canonicalJson sorts keys at every level', () => {
    assert.equal(canonicalJson({ b: 1, a: { d: [2, { z: 1, y: 0 }], c: null } }), '{"a":{"c":null,"d":[2,{"y":0,"z":1}]},"b":1}');
  });

  test('runKeyOf: stable, independent of key order, different for another mode or mapping', async () => {
    const fileHash = nodeSha('x');
    const a = await runKeyOf({ fileHash, type: 'clients', mode: 'store', mapping: { headers: [{ a: 'A', b: 'B' }] } });
    const b = await runKeyOf({ fileHash, type: 'clients', mode: 'store', mapping: { headers: [{ b: 'B', a: 'A' }] } });
    assert.equal(a, b);
    assert.match(a, /^[0-9a-f]{64}$/);
    assert.notEqual(a, await runKeyOf({ fileHash, type: 'clients', mode: 'update', mapping: { headers: [{ a: 'A', b: 'B' }] } }));
    assert.notEqual(a, await runKeyOf({ fileHash, type: 'clients', mode: 'store', mapping: { headers: [{ a: 'A' }] } }));
    assert.notEqual(a, await runKeyOf({ fileHash, type: 'clients', mode: 'store', mapping: { headers: [{ a: 'A', b: 'B' }] }, extra: { batchRows: 5 } }));
    await assert.rejects(runKeyOf({ fileHash: 'nope', type: 'clients', mode: 'store' }), /SHA-256/);
  });
});

describe('report-csv', () => {
  test('records carry the physical line they start on, counting breaks inside quotes', () => {
    const text = '\ufeffa,b\r\n1,"x\r\ny"\r\n"q""uote",2\n3,"m\nn\no"\r4,5';
    const recs = parseCsvRecords(text);
    assert.deepEqual(recs.map((r) => [r.line, r.lines, r.cells]), [
      [1, 1, ['a', 'b']],
      [2, 2, ['1', 'x\r\ny']],
      [4, 1, ['q"uote', '2']],
      [5, 3, ['3', 'm\nn\no']],
      [8, 1, ['4', '5']],
    ]);
    assert.throws(() => parseCsvRecords('a,"b'), /inside a quoted cell/);
  });

  test('appendColumn adds the header and an empty cell to every record, quote-aware', () => {
    assert.equal(appendColumn('a,b\r\n1,"x\r\ny"\r\n3,4\r\n', 'M'), 'a,b,M\r\n1,"x\r\ny",\r\n3,4,\r\n');
    assert.equal(appendColumn('a,b\r\n1,2', 'M'), 'a,b,M\r\n1,2,');
    assert.equal(appendColumn('a,b', 'M'), 'a,b,M');
    assert.throws(() => appendColumn('a\r\n', 'x,y'), /quoting/);
    const withMarker = parseCsvRecords(appendColumn('a,b\r\n"p,q",2\r\n', 'M'));
    assert.deepEqual(withMarker.map((r) => r.cells), [['a', 'b', 'M'], ['p,q', '2', '']]);
  });

  test('the error CSV neutralises every cell that could run as a formula (first character only)', () => {
    const vectors = { '=1+2': "\"'=1+2\"", '=1+2\nx': "\"'=1+2\nx\"", '\n=1+2': "\"'\n=1+2\"", '@SUM(A1)': "\"'@SUM(A1)\"",
      '+1+1': "\"'+1+1\"", '-1-1': "\"'-1-1\"", '\t=1': "\"'\t=1\"", '\r=1': "\"'\r=1\"", '\0x': "\"'\0x\"",
      'a";=1': '"a"";=1"', 'plain': '"plain"' };
    for (const [cell, out] of Object.entries(vectors)) assert.equal(neutralisedCell(cell), out, JSON.stringify(cell));
    assert.equal(unneutralised("'=1"), '=1');
    assert.equal(unneutralised("'abc"), "'abc");
    assert.equal(writeErrorCsv(['line', '=h'], [['3', 'x', 'The a field is required.\nThe b field is required.']]),
      '\ufeff"line","\'=h"\r\n"3","x","The a field is required.\nThe b field is required."\r\n');
  });
});

describe('originalLines', () => {
  test('contiguous rows: exact', () => {
    assert.deepEqual(originalLines({ firstLine: 10, lastLine: 13 }, [1, 1, 1, 1], new Map()), { lines: [10, 11, 12, 13], exact: true });
    assert.deepEqual(originalLines({ firstLine: 10, lastLine: 14 }, [1, 2, 1, 1], new Map()), { lines: [10, 11, 13, 14], exact: true });
  });

  test('rows failed locally inside the range are skipped', () => {
    // Lines 10..16: rows at 10, 11; failed row at 12 (2 lines); row 14; failed 15; row 16.
    const local = new Map([[12, 2], [15, 1]]);
    assert.deepEqual(originalLines({ firstLine: 10, lastLine: 16 }, [1, 1, 1, 1], local), { lines: [10, 11, 14, 16], exact: true });
  });

  test('an unexplained gap (a blank line) makes the answer approximate', () => {
    const r = originalLines({ firstLine: 1, lastLine: 4 }, [1, 1, 1], new Map());
    assert.equal(r.exact, false);
    assert.equal(r.lines[0], 1);
  });
});

describe('RateLimiter (fake clock)', () => {
  test('a burst, then one token per 1/rate; a 429 pauses it and halves the rate', async () => {
    let now = 0;
    const limiter = new RateLimiter({ requestsPerMinute: 600, burst: 3, safety: 1, clock: () => now });
    for (let i = 0; i < 3; i++) await limiter.acquire();
    assert.ok(limiter.tokens < 1);
    now += 100; // 600/min = one token per 100 ms
    await limiter.acquire();
    limiter.onRateLimited(2000);
    assert.equal(limiter.factor, 0.5);
    assert.equal(limiter.pausedUntil, now + 2000);
    limiter.onRateLimited(2000); // another 429 from the same burst: paused already, not halved again
    assert.equal(limiter.factor, 0.5);
    now += 2500;
    await limiter.acquire();
    for (let i = 0; i < 20; i++) limiter.onSuccess();
    assert.equal(limiter.factor, 1);
  });

  test('acquire honours an abort', async () => {
    const limiter = new RateLimiter({ requestsPerMinute: 1, burst: 1 });
    await limiter.acquire();
    const controller = new AbortController();
    const waiting = limiter.acquire(controller.signal);
    controller.abort();
    await assert.rejects(waiting, (e) => e.name === 'AbortError');
  });
});

describe('MemoryResumeStore', () => {
  test('values are copied in and out, like IndexedDB', async () => {
    const store = new MemoryResumeStore();
    const batch = { runKey: 'r', index: 0, state: 'pending' };
    await store.putBatch(batch);
    batch.state = 'finished';
    assert.equal((await store.getBatch('r', 0)).state, 'pending');
    const out = await store.getBatch('r', 0);
    out.state = 'x';
    assert.equal((await store.getBatch('r', 0)).state, 'pending');
    await store.putBatch({ runKey: 'r', index: 2, state: 'pending' });
    await store.putBatch({ runKey: 'r', index: 1, state: 'pending' });
    assert.deepEqual((await store.getBatches('r')).map((b) => b.index), [0, 1, 2]);
    await store.putRun({ runKey: 'r', status: 'running' });
    await store.deleteRun('r');
    assert.equal(await store.getRun('r'), undefined);
    assert.deepEqual(await store.getBatches('r'), []);
    await assert.rejects(store.putBatch({ index: 1 }), /runKey/);
  });

  test('lock: exclusive per run; fails fast by default, waits on request, honours abort', async () => {
    const store = new MemoryResumeStore();
    let release;
    const held = store.lock('run', () => new Promise((r) => { release = r; }));
    await assert.rejects(store.lock('run', async () => 1), RunLockedError);
    assert.equal(await store.lock('other', async () => 2), 2);
    const controller = new AbortController();
    const aborted = store.lock('run', async () => 3, { wait: true, signal: controller.signal });
    controller.abort();
    await assert.rejects(aborted, (e) => e.name === 'AbortError');
    const waited = store.lock('run', async () => 4, { wait: true });
    release();
    await held;
    assert.equal(await waited, 4);
  });
});
