// processing.test.mjs — background processing and persistence: status, progress and
// jobs_remaining move while an import runs; a graceful stop and a hard crash (SIGKILL of
// the CLI process) both resume from the last committed slice with no row lost or written
// twice; the database survives restarts; the CLI's start-up, token and shutdown.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';

import { DEFAULTS } from '../../web/server/main.js';
import {
  api, CLIENTS_MAPPING, clientsCsv, createImport, mapImport, openDb, runImport, spawnServer, startImport,
  startTestServer, tempDir, TOKEN, waitForStatus,
} from './helpers.mjs';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Creates, maps and starts an import; returns its uuid. */
async function startClientsImport(server, data) {
  const created = await createImport(server, { type: 'clients', mode: 'store', data });
  assert.equal(created.status, 200, created.text);
  assert.equal((await mapImport(server, created.json.uuid, CLIENTS_MAPPING)).status, 200);
  assert.equal((await startImport(server, created.json.uuid)).status, 200);
  return created.json.uuid;
}

/** Polls until progress is strictly between 0 and 100 (some slices committed, not all). */
async function waitForMidway(server, uuid, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { json } = await api(server, 'GET', `/api/v1/import/${uuid}`);
    if (json.status === 'processing' && json.progress > 0 && json.progress < 100) return json;
    assert.notEqual(json.status, 'completed', 'finished before it could be interrupted: slow processing down');
    if (Date.now() > deadline) throw new Error('never got midway');
    await sleep(15);
  }
}

/** Checks an import's end state against the database: nothing lost, nothing twice. */
function assertAllAccountedFor(dbPath, uuid, { rows, bad }) {
  const db = openDb(dbPath);
  try {
    const imp = db.prepare('SELECT * FROM imports WHERE uuid = ?').get(uuid);
    assert.equal(imp.status, 'completed');
    assert.equal(imp.total_jobs, rows);
    const records = db.prepare('SELECT fields FROM records WHERE created_by_import = ?').pluck().all(uuid).map((f) => JSON.parse(f));
    assert.equal(records.length, rows - bad, 'one record per clean row');
    assert.equal(new Set(records.map((r) => r.email)).size, records.length, 'no row written twice');
    const reportRows = db.prepare(`SELECT line FROM error_report_rows JOIN error_reports ON report_uuid = error_reports.uuid
      WHERE import_uuid = ? ORDER BY line`).pluck().all(uuid);
    assert.equal(reportRows.length, bad, 'every failed row in the report once');
    assert.equal(new Set(reportRows).size, bad);
    assert.equal(records.length + imp.engine_failed + imp.server_failed, imp.total_jobs, 'total_jobs = records + failed_jobs');
  } finally {
    db.close();
  }
}

describe('progress while processing', () => {
  it('moves status, progress and jobs_remaining while slices are processed', async () => {
    const server = await startTestServer({ sliceBytes: 8 * 1024, processDelayMs: 30 });
    try {
      const uuid = await startClientsImport(server, clientsCsv(3000));
      const seen = [];
      for (;;) {
        const { json } = await api(server, 'GET', `/api/v1/import/${uuid}`);
        seen.push(json);
        if (json.status === 'completed') break;
        await sleep(15);
      }
      const midway = seen.filter((s) => s.status === 'processing' && s.progress > 0 && s.progress < 100);
      assert.ok(new Set(midway.map((s) => s.progress)).size >= 2, `progress moved: ${[...new Set(seen.map((s) => s.progress))]}`);
      for (let i = 1; i < seen.length; i++) {
        assert.ok(seen[i].progress >= seen[i - 1].progress, 'progress never goes back');
        assert.ok(seen[i].jobs_remaining <= seen[i - 1].jobs_remaining, 'jobs_remaining never grows');
        assert.ok(seen[i].failed_jobs >= seen[i - 1].failed_jobs);
      }
      assert.ok(midway.every((s) => s.total_jobs === 3000 && s.jobs_remaining > 0));
      assert.ok(midway.some((s) => s.failed_jobs > 0 && s.error_report !== null), 'failures are visible before the end');
      const done = seen.at(-1);
      assert.equal(done.progress, 100);
      assert.equal(done.jobs_remaining, 0);
      assert.equal(done.failed_jobs, 300);
      assertAllAccountedFor(server.db, uuid, { rows: 3000, bad: 300 });
    } finally {
      await server.cleanup();
    }
  });
});

describe('persistence', () => {
  let tmp;
  before(() => {
    tmp = tempDir();
  });
  after(() => tmp.cleanup());

  it('keeps imports, records and reports across a restart', async () => {
    const db = join(tmp.dir, 'restart.sqlite');
    const first = await startTestServer({ db });
    const run = await runImport(first, { type: 'clients', mode: 'store', data: clientsCsv(20, { badEvery: 5 }), mapping: CLIENTS_MAPPING });
    const reportBefore = await api(first, 'GET', new URL(run.done.error_report.download_url).pathname);
    await first.close();

    const second = await startTestServer({ db });
    try {
      const again = await api(second, 'GET', `/api/v1/import/${run.uuid}`);
      assert.equal(again.status, 200);
      assert.deepEqual({ ...again.json, error_report: null }, { ...run.done, error_report: null });
      assert.equal(again.json.account.uuid, run.done.account.uuid, 'the account is stable');
      const reportAfter = await api(second, 'GET', new URL(again.json.error_report.download_url).pathname);
      assert.equal(reportAfter.text, reportBefore.text);
      assertAllAccountedFor(db, run.uuid, { rows: 20, bad: 4 });
    } finally {
      await second.close();
    }
  });

  it('resumes an import stopped mid-way by a graceful shutdown, from the last committed slice', async () => {
    const db = join(tmp.dir, 'graceful.sqlite');
    const data = clientsCsv(2000);
    const first = await startTestServer({ db, sliceBytes: 4096, processDelayMs: 40 });
    const uuid = await startClientsImport(first, data);
    await waitForMidway(first, uuid);
    await first.close();

    const check = openDb(db);
    const stopped = check.prepare('SELECT * FROM imports WHERE uuid = ?').get(uuid);
    const recordsThen = check.prepare('SELECT count(*) FROM records WHERE created_by_import = ?').pluck().get(uuid);
    check.close();
    assert.equal(stopped.status, 'processing');
    assert.ok(stopped.slices_done > 0 && stopped.slices_done < Math.ceil(data.length / 4096));
    assert.equal(recordsThen, stopped.clean_done, 'records and counters were committed together');

    const second = await startTestServer({ db });
    try {
      const done = await waitForStatus(second, uuid);
      assert.equal(done.failed_jobs, 200);
      assertAllAccountedFor(db, uuid, { rows: 2000, bad: 200 });

      // The resumed report is the one an uninterrupted run writes.
      const reference = await runImport(second, { type: 'clients', mode: 'store', data, mapping: CLIENTS_MAPPING });
      const resumedReport = await api(second, 'GET', new URL(done.error_report.download_url).pathname);
      const referenceReport = await api(second, 'GET', new URL(reference.done.error_report.download_url).pathname);
      assert.equal(resumedReport.text, referenceReport.text);
      assert.deepEqual(done.errors, reference.done.errors);
    } finally {
      await second.close();
    }
  });

  it('resumes after the CLI process is killed (SIGKILL) mid-import, losing and duplicating nothing', async () => {
    const db = join(tmp.dir, 'crash.sqlite');
    const args = ['--port', '0', '--db', db, '--token', TOKEN, '--quiet'];
    const first = await spawnServer([...args, '--slice-bytes', '4096', '--process-delay-ms', '40']);
    let second;
    try {
      const uuid = await startClientsImport(first, clientsCsv(2000));
      await waitForMidway(first, uuid);
      const { signal } = await first.stop('SIGKILL');
      assert.equal(signal, 'SIGKILL');

      second = await spawnServer(args);
      await waitForStatus(second, uuid);
      assertAllAccountedFor(db, uuid, { rows: 2000, bad: 200 });
    } finally {
      await first.stop('SIGKILL');
      await second?.stop();
    }
  });
});

describe('command line', () => {
  it('prints the chosen port, a development token kept in the database, and stops on SIGTERM', async () => {
    const tmp = tempDir();
    try {
      const db = join(tmp.dir, 'cli.sqlite');
      const first = await spawnServer(['--port', '0', '--db', db]);
      let second;
      try {
        const token = /^development token: (\S+)$/.exec(first.output[1] ?? '')?.[1];
        assert.ok(token, `token line: ${first.output[1]}`);
        assert.equal((await api(first, 'GET', '/api/v1/import', { token })).status, 200);
        assert.equal((await api(first, 'GET', '/api/v1/import')).status, 401, 'only that token');
        const exit = await first.stop('SIGTERM');
        assert.equal(exit.code, 0);
        await sleep(50);
        assert.ok(first.output.includes('stopped'), first.output.join('\n'));

        second = await spawnServer(['--port', '0', '--db', db, '--quiet']);
        assert.equal(second.output[1], `development token: ${token}`, 'the same token after a restart');
        assert.equal((await second.stop('SIGINT')).code, 0);
      } finally {
        await first.stop('SIGKILL');
        await second?.stop('SIGKILL');
      }
    } finally {
      tmp.cleanup();
    }
  });

  it('exits with a clear message for bad options', async () => {
    await assert.rejects(spawnServer(['--port', 'eighty']), /--port: expected an integer from 0 to 65535/);
    const tmp = tempDir();
    try {
      const db = join(tmp.dir, 'never.sqlite');
      await assert.rejects(spawnServer(['--port', '0', '--db', db, '--faults', '{"error500": 3}']), /"error500" must be a number from 0 to 1/);
    } finally {
      tmp.cleanup();
    }
  });

  it('defaults to port 8080, loopback, and a database under data/', () => {
    assert.equal(DEFAULTS.port, 8080);
    assert.equal(DEFAULTS.host, '127.0.0.1');
    assert.match(DEFAULTS.db, /\/data\/[^/]+\.sqlite$/);
  });
});
