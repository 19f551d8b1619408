// import.test.mjs — whole imports of fixtures with known good and bad rows, in each mode the
// API accepts (store, update, validate): the resource's counts and `errors` match the
// fixture's expected summary (the same engine decides), the SQLite records are checked
// directly, and the error report downloads byte for byte — with the rows the server itself
// rejects (update: unknown uuid) merged in line order.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { neutralisedRow } from '../../web/server/csv.js';
import { assertImportShape } from './contract.mjs';
import { api, fixture, openDb, runImport, startTestServer } from './helpers.mjs';

let server;
let db;
before(async () => {
  server = await startTestServer();
  db = openDb(server.db);
});
after(async () => {
  db.close();
  await server.cleanup();
});

/** Downloads an import's error report with the bearer token, as a client follows download_url. */
async function downloadReport(resource, token = server.token) {
  const url = new URL(resource.error_report.download_url);
  assert.equal(url.origin, server.url, 'the download URL points at this server');
  const res = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
  return { status: res.status, headers: res.headers, bytes: Buffer.from(await res.arrayBuffer()) };
}

const records = (importUuid) => db.prepare('SELECT * FROM records WHERE created_by_import = ? ORDER BY id').all(importUuid)
  .map((r) => ({ ...r, fields: JSON.parse(r.fields) }));

describe('store mode', () => {
  let run;
  const fx = fixture('clients', 'crm_export_store');
  before(async () => {
    run = await runImport(server, { type: 'clients', mode: 'store', data: fx.data, fileName: fx.fileName, mapping: fx.mapping });
  });

  it('completes with the engine\'s counts and errors', () => {
    const { done } = run;
    assertImportShape(done);
    assert.equal(done.status, 'completed');
    assert.equal(done.total_jobs, fx.summary.total_jobs);
    assert.equal(done.failed_jobs, fx.summary.failed_jobs);
    assert.equal(done.progress, 100);
    assert.equal(done.jobs_remaining, 0);
    assert.deepEqual(done.errors, fx.summary.errors);
    assert.equal(done.error_report.filename, fx.summary.error_report.filename);
    assert.equal(done.error_report.size, fx.summary.error_report.size);
    assert.deepEqual(done.mapping, fx.summary.mapping);
  });

  it('writes one record per clean row, with a new uuid and the mapped fields', () => {
    const rows = records(run.uuid);
    assert.equal(rows.length, fx.summary.preflight.clean_rows);
    assert.equal(rows.length + run.done.failed_jobs, run.done.total_jobs, 'total_jobs = records + failed_jobs');
    assert.equal(new Set(rows.map((r) => r.uuid)).size, rows.length);
    rows.forEach((r) => assert.match(r.uuid, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/));
    assert.deepEqual(rows.map((r) => r.fields.first_name), ['Jane', 'John', 'Priya', 'Tom', 'Ben']);
    assert.deepEqual(rows[0].fields, {
      title: 'Mrs', first_name: 'Jane', last_name: 'Doe', email: 'jane.doe@example.com', phone: '07700 900123',
      date_of_birth: '28/06/1979', gender: 'Female', marital_status: 'married', ni_number: 'AB 12 34 56 C',
      send_welcome_email: 'yes', is_prospect: 'no', value: '500000',
    });
    assert.equal(rows[1].fields.ni_number, null, 'a blank cell is stored as null');
    assert.equal('uuid' in rows[0].fields, false, 'the key is the record\'s identity, not a field');
    const events = db.prepare("SELECT count(*) FROM record_events WHERE import_uuid = ? AND action = 'created'").pluck().get(run.uuid);
    assert.equal(events, rows.length);
  });

  it('serves the error report at download_url, byte for byte, only with the token', async () => {
    const report = await downloadReport(run.done);
    assert.equal(report.status, 200);
    assert.equal(report.headers.get('content-type'), 'text/csv; charset=utf-8');
    assert.match(report.headers.get('content-disposition'), /^attachment; filename="crm_export_store-errors\.csv"/);
    assert.ok(report.bytes.equals(fx.errorsCsv), 'the engine\'s error CSV');
    assert.equal((await downloadReport(run.done, 'wrong')).status, 401);
  });

  it('records the status history uploaded → mapped → processing → completed', () => {
    const history = db.prepare('SELECT status FROM import_status_history WHERE import_uuid = ? ORDER BY id').pluck().all(run.uuid);
    assert.deepEqual(history, ['uploaded', 'mapped', 'processing', 'completed']);
  });

  it('keeps 25 errors in the resource and every failed row in the report', async () => {
    const cap = fixture('clients', 'errors_cap_25');
    const { done } = await runImport(server, { type: 'clients', mode: 'store', data: cap.data, fileName: cap.fileName, mapping: cap.mapping });
    assert.equal(done.failed_jobs, 30);
    assert.equal(done.errors.length, 25);
    const report = await downloadReport(done);
    assert.equal(report.bytes.toString('utf8').split('\r\n').filter((l) => /^"\d+"/.test(l)).length, 30);
  });

  it('writes nothing and reports no error file for a clean file', async () => {
    const data = Buffer.from('first_name,send_welcome_email\nAda,yes\nGrace,no\n');
    const { uuid, done } = await runImport(server, { type: 'clients', mode: 'store', data, mapping: { first_name: 'first_name', send_welcome_email: 'send_welcome_email' } });
    assert.equal(done.failed_jobs, 0);
    assert.equal(done.error_report, null);
    assert.deepEqual(done.errors, []);
    assert.equal(records(uuid).length, 2);
  });
});

describe('validate mode', () => {
  it('checks every row, writes no record, and reports as the engine does', async () => {
    const fx = fixture('plans', 'crm_export_validate');
    const before = db.prepare('SELECT count(*) FROM records').pluck().get();
    const { done } = await runImport(server, { type: 'plans', mode: 'validate', data: fx.data, fileName: fx.fileName, mapping: fx.mapping });
    assert.equal(done.status, 'completed');
    assert.equal(done.total_jobs, fx.summary.total_jobs);
    assert.equal(done.failed_jobs, fx.summary.failed_jobs);
    assert.deepEqual(done.errors, fx.summary.errors);
    assert.equal(db.prepare('SELECT count(*) FROM records').pluck().get(), before);
    assert.ok((await downloadReport(done)).bytes.equals(fx.errorsCsv));
  });
});

describe('update mode', () => {
  it('fails a clean row whose uuid names no record, as a server-side row failure in line order', async () => {
    const nine = await startTestServer({ laravel: '9' });
    try {
      const fx = fixture('clients', 'update_laravel9');
      const { done } = await runImport(nine, { type: 'clients', mode: 'update', data: fx.data, fileName: fx.fileName, mapping: fx.mapping });
      const engineFailed = fx.summary.failed_jobs;
      const clean = fx.summary.preflight.clean_rows;
      assert.equal(done.total_jobs, fx.summary.total_jobs);
      assert.equal(done.failed_jobs, engineFailed + clean, 'no record exists: every clean row fails on the server');

      // The error report: the two clean rows (lines 2 and 3) join the engine's rows in line order.
      const lines = fx.data.toString('utf8').split('\n');
      const serverRow = (line) => neutralisedRow([String(line), ...lines[line - 1].split(','), 'The selected uuid is invalid.']);
      const engineReport = fx.errorsCsv.toString('utf8');
      const headerEnd = engineReport.indexOf('\r\n') + 2;
      const expected = engineReport.slice(0, headerEnd) + serverRow(2) + serverRow(3) + engineReport.slice(headerEnd);
      const res = await fetch(done.error_report.download_url, { headers: { authorization: `Bearer ${nine.token}` } });
      assert.equal(Buffer.from(await res.arrayBuffer()).toString('utf8'), expected); // text() would drop the BOM

      // `errors`: the 8 failures in line order; lines 2 and 3 are the server's.
      assert.equal(done.errors.length, 8);
      assert.deepEqual(done.errors[0].errors, { uuid: ['The selected uuid is invalid.'] });
      assert.equal(done.errors[0].client.uuid, '8a1f2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d');
      assert.deepEqual(done.errors.slice(2), fx.summary.errors);
      const db9 = openDb(nine.db);
      assert.equal(db9.prepare('SELECT count(*) FROM records').pluck().get(), 0);
      db9.close();
    } finally {
      await nine.cleanup();
    }
  });

  it('changes the records the rows name; blank cells erase; unknown uuids fail', async () => {
    const seed = fixture('clients', 'crm_export_store');
    const stored = await runImport(server, { type: 'clients', mode: 'store', data: seed.data, fileName: seed.fileName, mapping: seed.mapping });
    const [jane, john, priya] = records(stored.uuid);
    const unknown = '11111111-2222-4333-8444-555555555555';
    const csv = [
      'Record,Given name,Email,Welcome',
      `${jane.uuid},Janet,janet@example.com,1`,
      `${john.uuid.toUpperCase()},Jon,,0`,
      `${unknown},Nobody,nobody@example.com,1`,
      `${priya.uuid},Priya,priya@example.com,maybe`,
    ].join('\r\n');
    const { uuid, done } = await runImport(server, {
      type: 'clients', mode: 'update', data: Buffer.from(csv), fileName: 'changes.csv',
      mapping: { uuid: 'Record', first_name: 'Given name', email: 'Email', send_welcome_email: 'Welcome' },
    });
    assert.equal(done.total_jobs, 4);
    assert.equal(done.failed_jobs, 2);
    assert.deepEqual(done.errors.map((e) => Object.keys(e.errors)), [['uuid'], ['send_welcome_email']]);
    assert.deepEqual(done.errors[0], {
      client: { uuid: unknown, first_name: 'Nobody', email: 'nobody@example.com', send_welcome_email: '1' },
      errors: { uuid: ['The selected uuid is invalid.'] },
    });

    const byUuid = (u) => {
      const r = db.prepare('SELECT * FROM records WHERE type = ? AND uuid = ?').get('clients', u);
      return { ...r, fields: JSON.parse(r.fields) };
    };
    const janet = byUuid(jane.uuid);
    assert.equal(janet.fields.first_name, 'Janet');
    assert.equal(janet.fields.email, 'janet@example.com');
    assert.equal(janet.fields.last_name, 'Doe', 'unmapped fields keep their value');
    assert.equal(janet.updated_by_import, uuid);
    assert.equal(byUuid(john.uuid).fields.email, null, 'a blank cell in a mapped column erases');
    assert.equal(byUuid(priya.uuid).fields.send_welcome_email, '1', 'a row the engine rejects changes nothing');
    const updated = db.prepare("SELECT count(*) FROM record_events WHERE import_uuid = ? AND action = 'updated'").pluck().get(uuid);
    assert.equal(updated + done.failed_jobs, done.total_jobs, 'total_jobs = records changed + failed_jobs');
    assert.equal(db.prepare('SELECT count(*) FROM records WHERE created_by_import = ?').pluck().get(uuid), 0, 'update creates nothing');

    const report = await fetch(done.error_report.download_url, { headers: { authorization: `Bearer ${server.token}` } });
    const text = Buffer.from(await report.arrayBuffer()).toString('utf8');
    assert.match(text, /^\ufeff"line","Record","Given name","Email","Welcome","errors"\r\n"4","11111111-2222-4333-8444-555555555555","Nobody","nobody@example.com","1","The selected uuid is invalid."\r\n"5",/);
  });
});

describe('file names', () => {
  it('names the error report after the uploaded file, whatever its characters', async () => {
    // FormData sends a '"' in a file name as %22 (the HTML form encoding), and the server
    // keeps the name as it arrives, as PHP does; non-ASCII arrives as UTF-8.
    const data = Buffer.from('first_name,send_welcome_email\nAda,perhaps\n');
    const { done } = await runImport(server, {
      type: 'clients', mode: 'validate', data, fileName: 'Kunden "März".csv', mapping: { first_name: 'first_name', send_welcome_email: 'send_welcome_email' },
    });
    assert.equal(done.error_report.filename, 'Kunden %22März%22-errors.csv');
    const res = await api(server, 'GET', new URL(done.error_report.download_url).pathname);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-disposition'), `attachment; filename="Kunden %22M_rz%22-errors.csv"; filename*=UTF-8''${encodeURIComponent('Kunden %22März%22-errors.csv')}`);
  });
});
