// The Wasm build against the native CLI: every fixture under tests/fixtures/ must give the
// same summary (compared as parsed JSON), a byte-identical error CSV and byte-identical
// batches, whatever the chunk size; and every failure must reach JS as a PreflightError
// whose message names what was wrong.
//
//   node --test tests/wasm/            (after scripts/build.sh native and scripts/build.sh wasm)
// PREFLIGHT_CLI and PREFLIGHT_WASM_DIR override build/native/preflight and build/wasm/.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';

import { fixtureOptions, listFixtures, loadPreflight, runNative, runWasm } from './harness.mjs';

const CHUNKS = [1 << 20, 64 << 10, 7];
const fixtures = listFixtures();

describe('fixtures: Wasm under Node = native CLI', () => {
  test('there are fixtures', () => assert.ok(fixtures.length >= 40, `only ${fixtures.length} fixtures found`));

  for (const fixture of fixtures) {
    test(`${fixture.type}/${fixture.name}`, async () => {
      const pf = await loadPreflight();
      const native = runNative(fixture);
      assert.ok(native.exit === 0 || native.exit === 1 || native.exit === 2, `CLI crashed: ${native.exit}\n${native.stderr}`);
      const bytes = readFileSync(fixture.input);
      const opts = fixtureOptions(fixture);
      for (const chunk of CHUNKS) {
        const wasm = runWasm(pf, fixture.type, bytes, opts, chunk);
        const where = `${chunk}-byte chunks`;
        assert.deepEqual(JSON.parse(wasm.summary), JSON.parse(native.summary), `summary, ${where}`);
        assert.ok(wasm.errorCsv.equals(native.errorCsv), `error CSV differs, ${where}`);
        assert.ok(wasm.batches.equals(native.batches), `batches differ, ${where}`);
        assert.equal(wasm.batchList.length, native.batchCount, `batch count, ${where}`);
        wasm.batchList.forEach((b, i) => assert.equal(b.index, i, 'batch index'));
        // An unusable file: the CLI exits 2 with the message; Wasm throws it, same words.
        if (native.exit === 2) {
          assert.ok(wasm.error, `the CLI failed (${native.stderr.trim()}) but Wasm threw nothing, ${where}`);
          assert.equal(wasm.error.name, 'PreflightError');
          assert.equal(wasm.error.code, JSON.parse(native.summary).preflight.error.code);
          assert.equal(`preflight validate: ${wasm.error.message}\n`, native.stderr);
        } else {
          assert.equal(wasm.error, null, `Wasm threw ${wasm.error?.message}, ${where}`);
        }
      }
    });
  }
});

describe('errors reach JS as PreflightError', () => {
  const csv = new TextEncoder().encode('first_name,last_name,email,send_welcome_email\nAda,Lovelace,ada@example.com,1\n');

  async function rejects(fn, code, pattern) {
    const pf = await loadPreflight();
    assert.throws(() => fn(pf), (e) => {
      assert.ok(e instanceof pf.PreflightError, `not a PreflightError: ${e}`);
      assert.ok(e instanceof Error);
      assert.equal(e.code, code);
      assert.match(e.message, pattern);
      return true;
    });
  }

  test('an unknown type lists the known ones', () =>
    rejects((pf) => pf.openSession('clientz', {}), 'unknown_type',
            /^unknown import type "clientz" \(expected one of: business_staff_members, charges, clients,/));

  test('malformed options JSON says where', () =>
    rejects((pf) => pf.openSession('clients', '{"mode": "store",\n "batches": tru}'), 'invalid_argument',
            /^options: invalid JSON at line 2, column 13: /));

  test('an unknown option key is named', () =>
    rejects((pf) => pf.openSession('clients', { mode: 'store', batchrows: 5 }), 'invalid_argument',
            /^options: unknown key "batchrows"/));

  test('an option of the wrong type is named', () =>
    rejects((pf) => pf.openSession('clients', { hasHeader: 'no' }), 'invalid_argument',
            /^options: "hasHeader" must be true or false \(got a string\)$/));

  test('an unknown mode', () =>
    rejects((pf) => pf.openSession('clients', { mode: 'upsert' }), 'unknown_mode', /"upsert"/));

  test('a malformed mapping names the key', () =>
    rejects((pf) => pf.openSession('clients', { mapping: { headers: [{ first_name: 5 }] } }), 'bad_mapping',
            /^options\.mapping: "headers"\[0\]\."first_name" must be a string$/));

  test('a mapping to a header the file lacks fails the feed and names it', async () => {
    const pf = await loadPreflight();
    const s = pf.openSession('clients', { mode: 'store', mapping: { headers: [{ first_name: 'Forename' }] } });
    try {
      assert.throws(() => { s.feed(csv); s.finish(); }, (e) => {
        assert.equal(e.code, 'bad_mapping');
        assert.match(e.message, /Forename/);
        return true;
      });
      assert.equal(s.summary().status, 'failed');
    } finally {
      s.close();
    }
  });

  test('a broken extra schema is named by its file name', () =>
    rejects((pf) => pf.openSession('clients', {}, [{ name: 'custom.json', json: '{"type": "x", "fields": 3}' }]),
            'bad_schema', /^custom\.json: /));

  test('typesJson fails the same way', () =>
    rejects((pf) => pf.typesJson(['{"type":']), 'bad_schema', /^schemas\[0\]: /));

  test('feeding something that is not bytes', async () => {
    const pf = await loadPreflight();
    const s = pf.openSession('clients', {});
    try {
      assert.throws(() => s.feed('first_name\n'), (e) => e instanceof pf.PreflightError && e.code === 'invalid_argument');
    } finally {
      s.close();
    }
  });

  test('a closed session', async () => {
    const pf = await loadPreflight();
    const s = pf.openSession('clients', {});
    s.close();
    s.close();
    assert.throws(() => s.feed(csv), (e) => e.code === 'invalid_state' && /closed/.test(e.message));
  });

  test('feed after finish', async () => {
    const pf = await loadPreflight();
    const s = pf.openSession('clients', { mode: 'store' });
    try {
      s.feed(csv);
      s.finish();
      assert.throws(() => s.feed(csv), (e) => e.code === 'invalid_state');
    } finally {
      s.close();
    }
  });
});

describe('module functions', () => {
  test('types are the CLI\'s', async () => {
    const pf = await loadPreflight();
    const { spawnSync } = await import('node:child_process');
    const { cliPath } = await import('./harness.mjs');
    const native = spawnSync(cliPath, ['types', '--json'], { encoding: 'utf8' });
    assert.deepEqual(pf.types(), JSON.parse(native.stdout));
  });

  test('engine version matches the summaries', async () => {
    const pf = await loadPreflight();
    const s = pf.openSession('clients', {});
    try {
      assert.equal(s.summary().preflight.engine_version, pf.engineVersion());
      assert.match(pf.engineVersion(), /^\d+\.\d+\.\d+$/);
    } finally {
      s.close();
    }
  });

  test('headers, samples, suggestions and progress', async () => {
    const pf = await loadPreflight();
    const s = pf.openSession('clients', { mode: 'store', sampleRows: 2, constants: { send_welcome_email: 1 } });
    try {
      s.feed(new TextEncoder().encode('First Name,Surname,E-mail\nAda,Lovelace,ada@example.com\nAlan,Turing,alan@example.com\n'));
      s.finish();
      const h = s.headers();
      assert.deepEqual(h.names, ['First Name', 'Surname', 'E-mail']);
      assert.deepEqual(h.samples, [['Ada', 'Lovelace', 'ada@example.com'], ['Alan', 'Turing', 'alan@example.com']]);
      const sug = s.suggestions();
      assert.equal(sug.type, 'clients');
      assert.equal(sug.suggestions.find((x) => x.header === 'E-mail').field, 'email');
      assert.deepEqual(s.progress(), { bytesRead: 84, rowsRead: 2, rowsFailed: 0, headerReady: true, mappingReady: true, finished: true });
    } finally {
      s.close();
    }
  });
});
