// api.test.mjs — every endpoint's error cases against a real server on loopback: auth,
// 404, 405, 422 for each field (Laravel's wording and summary), 413, 415, 400, the map
// call's validation and the import's state rules (map before start; no remap after start).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { assertImportShape } from './contract.mjs';
import {
  api, CLIENTS_MAPPING, clientsCsv, createImport, fixture, mapImport, startImport,
  startTestServer, waitForStatus,
} from './helpers.mjs';

const UNKNOWN = '0b091b3f-a51e-4e19-ac53-69738e52b843';
let server;
before(async () => {
  server = await startTestServer({ maxUploadBytes: 256 * 1024, maxBodyBytes: 8 * 1024 });
});
after(() => server.cleanup());

async function newImport(data = clientsCsv(3), type = 'clients', mode = 'store') {
  const res = await createImport(server, { type, mode, data });
  assert.equal(res.status, 200, res.text);
  return res.json;
}

describe('authentication', () => {
  const routes = [
    ['GET', '/api/v1/import'], ['POST', '/api/v1/import'], ['GET', `/api/v1/import/${UNKNOWN}`],
    ['POST', `/api/v1/import/map/${UNKNOWN}`], ['POST', `/api/v1/import/start/${UNKNOWN}`],
    ['GET', `/file/${UNKNOWN}/download`],
  ];
  it('answers 401 Unauthenticated. without a token or with a wrong one, on every route', async () => {
    for (const [method, path] of routes) {
      for (const token of [null, 'wrong-token']) {
        const res = await api(server, method, path, { token });
        assert.equal(res.status, 401, `${method} ${path} token=${token}`);
        assert.deepEqual(res.json, { message: 'Unauthenticated.' });
      }
    }
    const basic = await api(server, 'GET', '/api/v1/import', { token: null, headers: { authorization: 'Basic dGVzdA==' } });
    assert.equal(basic.status, 401);
  });

  it('accepts the token with any case of "Bearer"', async () => {
    const res = await api(server, 'GET', '/api/v1/import', { token: null, headers: { authorization: `bearer ${server.token}` } });
    assert.equal(res.status, 200);
  });

  it('checks X-PLANNR-ACCOUNT-UUID when it is sent', async () => {
    const wrong = await api(server, 'GET', '/api/v1/import', { headers: { 'x-plannr-account-uuid': UNKNOWN } });
    assert.equal(wrong.status, 403);
    assert.deepEqual(wrong.json, { message: 'This action is unauthorized.' });
    const right = await api(server, 'GET', '/api/v1/import', { headers: { 'x-plannr-account-uuid': server.account.uuid } });
    assert.equal(right.status, 200);
  });
});

describe('routing', () => {
  it('answers 404 for unknown imports and files, in Laravel model-binding words', async () => {
    for (const [method, path] of [['GET', `/api/v1/import/${UNKNOWN}`], ['POST', `/api/v1/import/map/${UNKNOWN}`],
      ['POST', `/api/v1/import/start/${UNKNOWN}`], ['GET', '/api/v1/import/not-a-uuid']]) {
      const res = await api(server, method, path, method === 'POST' && path.includes('/map/') ? { json: { headers: [{ email: 'email' }] } } : {});
      assert.equal(res.status, 404, `${method} ${path}`);
      assert.equal(res.json.message, `No query results for model [App\\Models\\Import] ${path.split('/').pop()}`);
    }
    const file = await api(server, 'GET', `/file/${UNKNOWN}/download`);
    assert.equal(file.status, 404);
    assert.equal(file.json.message, `No query results for model [App\\Models\\File] ${UNKNOWN}`);
  });

  it('answers 404 for unknown routes and 405 with Allow for a wrong method, before auth', async () => {
    const missing = await api(server, 'GET', '/api/v1/nothing', { token: null });
    assert.equal(missing.status, 404);
    assert.deepEqual(missing.json, { message: 'The route api/v1/nothing could not be found.' });

    const del = await api(server, 'DELETE', '/api/v1/import', { token: null });
    assert.equal(del.status, 405);
    assert.equal(del.headers.get('allow'), 'GET, HEAD, POST');
    assert.equal(del.json.message, 'The DELETE method is not supported for route api/v1/import. Supported methods: GET, HEAD, POST.');

    const getStart = await api(server, 'GET', `/api/v1/import/start/${UNKNOWN}`);
    assert.equal(getStart.status, 405);
    assert.equal(getStart.headers.get('allow'), 'POST');
    assert.match(getStart.json.message, /^The GET method is not supported for route api\/v1\/import\/start\/.+\. Supported methods: POST\.$/);

    const put = await api(server, 'PUT', `/api/v1/import/${UNKNOWN}`);
    assert.equal(put.status, 405);
  });

  it('serves HEAD like GET without a body, and ignores a trailing slash', async () => {
    const head = await api(server, 'HEAD', '/api/v1/import');
    assert.equal(head.status, 200);
    assert.equal(head.text, '');
    assert.equal((await api(server, 'GET', '/api/v1/import/')).status, 200);
  });
});

describe('create: POST /api/v1/import', () => {
  it('creates an import in the seeds\' shape, status uploaded, with the file\'s headers', async () => {
    const res = await createImport(server, { type: 'clients', mode: 'store', data: clientsCsv(3) });
    assert.equal(res.status, 200);
    assertImportShape(res.json);
    assert.equal(res.json.type, 'clients');
    assert.equal(res.json.mode, 'store');
    assert.equal(res.json.status, 'uploaded');
    assert.deepEqual(res.json.headers, ['first_name', 'last_name', 'email', 'send_welcome_email']);
    assert.deepEqual(res.json.mapping, {});
    assert.equal(res.json.error_report, null);
    assert.deepEqual(res.json.errors, []);
    assert.equal(res.json.account.uuid, server.account.uuid);
  });

  it('answers 422 with every missing field, summarised as Laravel does', async () => {
    const res = await api(server, 'POST', '/api/v1/import', { body: new FormData() });
    assert.equal(res.status, 422);
    assert.deepEqual(res.json, {
      message: 'The type field is required. (and 2 more errors)',
      errors: {
        type: ['The type field is required.'],
        mode: ['The mode field is required.'],
        file: ['The file field is required.'],
      },
    });
  });

  it('answers 422 for a bad type, mode or file, one field at a time', async () => {
    const data = clientsCsv(1);
    const cases = [
      [{ type: 'contacts', mode: 'store', data }, { type: ['The selected type is invalid.'] }],
      [{ type: 'clients', mode: 'upsert', data }, { mode: ['The selected mode is invalid.'] }],
      [{ type: 'valuations', mode: 'update', data }, { mode: ['The selected mode is invalid.'] }],
      [{ type: 'clients', mode: 'store', data, fileName: 'photo.png' }, { file: ['The file field must be a file of type: csv, txt, tsv.'] }],
      [{ type: 'clients', mode: 'store', data: Buffer.alloc(0), fileName: 'empty.csv' }, { file: ['empty.csv is empty (0 bytes).'] }],
      [{ type: 'clients', mode: 'store', data: Buffer.from('\ufeff'), fileName: 'bom.csv' }, { file: ['bom.csv holds only a byte-order mark.'] }],
    ];
    for (const [fields, errors] of cases) {
      const res = await createImport(server, fields);
      assert.equal(res.status, 422, JSON.stringify(fields.type) + res.text);
      assert.deepEqual(res.json.errors, errors);
      assert.equal(res.json.message, Object.values(errors)[0][0]);
    }
    const form = new FormData();
    form.append('type', 'clients');
    form.append('mode', 'store');
    form.append('file', 'not a file, a text field');
    const text = await api(server, 'POST', '/api/v1/import', { body: form });
    assert.equal(text.status, 422);
    assert.deepEqual(text.json.errors, { file: ['The file field must be a file.'] });
  });

  it('accepts form and JSON bodies for the text fields, so their errors read the same', async () => {
    const form = await api(server, 'POST', '/api/v1/import', {
      body: new URLSearchParams({ type: 'clients', mode: 'store' }),
    });
    assert.equal(form.status, 422);
    assert.deepEqual(form.json.errors, { file: ['The file field is required.'] });
    const json = await api(server, 'POST', '/api/v1/import', { json: { type: 'nope', mode: 'store' } });
    assert.deepEqual(json.json.errors, { type: ['The selected type is invalid.'], file: ['The file field is required.'] });
  });

  it('answers 413 for a body over the limit, declared or streamed, and stays usable', async () => {
    const big = await createImport(server, { type: 'clients', mode: 'store', data: Buffer.alloc(300 * 1024, 'a') });
    assert.equal(big.status, 413);
    assert.match(big.json.message, /^Content Too Large: .*262144 bytes\.$/);
    const chunks = new ReadableStream({
      start(c) {
        for (let i = 0; i < 8; i++) c.enqueue(new Uint8Array(64 * 1024));
        c.close();
      },
    });
    const streamed = await fetch(`${server.url}/api/v1/import`, {
      method: 'POST', body: chunks, duplex: 'half',
      headers: { authorization: `Bearer ${server.token}`, 'content-type': 'multipart/form-data; boundary=x' },
    });
    assert.equal(streamed.status, 413);
    await streamed.text();
    const map = await api(server, 'POST', `/api/v1/import/map/${UNKNOWN}`, { json: { headers: [{ email: 'x'.repeat(10_000) }] } });
    assert.equal(map.status, 413);
    assert.equal((await api(server, 'GET', '/api/v1/import')).status, 200);
  });

  it('answers 400 for a malformed multipart body or JSON, and 415 for another content type', async () => {
    const noEnd = await api(server, 'POST', '/api/v1/import', {
      body: '--b\r\nContent-Disposition: form-data; name="type"\r\n\r\nclients',
      headers: { 'content-type': 'multipart/form-data; boundary=b' },
    });
    assert.equal(noEnd.status, 400);
    assert.equal(noEnd.json.message, 'Malformed multipart/form-data body: The multipart body ended before its closing boundary.');
    const noBoundary = await api(server, 'POST', '/api/v1/import', { body: 'x', headers: { 'content-type': 'multipart/form-data' } });
    assert.equal(noBoundary.status, 400);
    assert.match(noBoundary.json.message, /no boundary parameter/);
    const badJson = await api(server, 'POST', `/api/v1/import/map/${UNKNOWN}`, { body: '{"headers": [', headers: { 'content-type': 'application/json' } });
    assert.equal(badJson.status, 400);
    assert.match(badJson.json.message, /^The request body is not valid JSON: /);
    const text = await api(server, 'POST', '/api/v1/import', { body: 'type=clients', headers: { 'content-type': 'text/plain' } });
    assert.equal(text.status, 415);
    assert.match(text.json.message, /Unsupported Content-Type "text\/plain"/);
  });
});

describe('map: POST /api/v1/import/map/{uuid}', () => {
  it('maps field → header, counts the rows, and shows the mapping header → field', async () => {
    const imp = await newImport(clientsCsv(7));
    const res = await mapImport(server, imp.uuid, CLIENTS_MAPPING);
    assert.equal(res.status, 200, res.text);
    assertImportShape(res.json);
    assert.equal(res.json.status, 'mapped');
    assert.equal(res.json.total_jobs, 7);
    assert.equal(res.json.jobs_remaining, 7);
    assert.equal(res.json.progress, 0);
    assert.deepEqual(res.json.mapping, { first_name: 'first_name', last_name: 'last_name', email: 'email', send_welcome_email: 'send_welcome_email' });
  });

  it('accepts {"headers": {...}} and form fields headers[0][field]=header', async () => {
    const imp = await newImport(Buffer.from('fname,lname,mail,welcome\nA,B,a@b.com,yes\n'));
    const object = await api(server, 'POST', `/api/v1/import/map/${imp.uuid}`, { json: { headers: { first_name: 'fname', send_welcome_email: 'welcome' } } });
    assert.equal(object.status, 200, object.text);
    assert.deepEqual(object.json.mapping, { fname: 'first_name', welcome: 'send_welcome_email' });
    const form = await api(server, 'POST', `/api/v1/import/map/${imp.uuid}`, {
      body: new URLSearchParams({ 'headers[0][email]': 'mail', 'headers[0][send_welcome_email]': 'welcome', 'headers[0][last_name]': 'lname' }),
    });
    assert.equal(form.status, 200, form.text);
    assert.deepEqual(form.json.mapping, { lname: 'last_name', mail: 'email', welcome: 'send_welcome_email' }, 'a new map replaces the old one before start');
  });

  it('answers 422 naming each bad entry by its path', async () => {
    const imp = await newImport();
    const cases = [
      [{}, { headers: ['The headers field is required.'] }],
      [{ headers: 'email' }, { headers: ['The headers field must be an array.'] }],
      [{ headers: [] }, { headers: ['The headers field is required.'] }],
      [{ headers: ['email'] }, { 'headers.0': ['The headers.0 field must be an array.'] }],
      [{ headers: [{ bogus: 'email', send_welcome_email: 'send_welcome_email' }] }, { 'headers.0.bogus': ['The selected headers.0.bogus is invalid.'] }],
      [{ headers: [{ email: 'Nope', send_welcome_email: 'send_welcome_email' }] }, { 'headers.0.email': ['The selected headers.0.email is invalid.'] }],
      [{ headers: [{ email: 5, send_welcome_email: 'send_welcome_email' }] }, { 'headers.0.email': ['The headers.0.email field must be a string.'] }],
      [{ headers: [{ email: 'email' }] }, { 'headers.0.send_welcome_email': ['The headers.0.send_welcome_email field is required.'] }],
      [{ headers: { email: 'email' } }, { 'headers.send_welcome_email': ['The headers.send_welcome_email field is required.'] }],
    ];
    for (const [body, errors] of cases) {
      const res = await api(server, 'POST', `/api/v1/import/map/${imp.uuid}`, { json: body });
      assert.equal(res.status, 422, JSON.stringify(body));
      assert.deepEqual(res.json.errors, errors, JSON.stringify(body));
    }
    const two = await api(server, 'POST', `/api/v1/import/map/${imp.uuid}`, { json: { headers: [{ bogus: 'x', email: 'y' }] } });
    assert.equal(two.json.message, 'The selected headers.0.bogus is invalid. (and 1 more error)');
    const after422 = await api(server, 'GET', `/api/v1/import/${imp.uuid}`);
    assert.equal(after422.json.status, 'uploaded', 'a refused map changes nothing');
  });

  it('keeps "__proto__" and "constructor" headers as plain names', async () => {
    const { data, mapping } = fixture('clients', 'headers_messy');
    const imp = await newImport(data);
    assert.ok(imp.headers.includes('__proto__'));
    const res = await mapImport(server, imp.uuid, mapping);
    assert.equal(res.status, 200, res.text);
    assert.equal(res.json.mapping.__proto__, 'nickname');
    assert.equal(Object.getPrototypeOf(res.json.mapping), Object.prototype);
  });
});

describe('start: POST /api/v1/import/start/{uuid}', () => {
  it('refuses to start an unmapped import (409), and a remap after start unless identical', async () => {
    const imp = await newImport(clientsCsv(4));
    const early = await startImport(server, imp.uuid);
    assert.equal(early.status, 409);
    assert.deepEqual(early.json, { message: 'The import must be mapped before it can be started.' });

    await mapImport(server, imp.uuid, CLIENTS_MAPPING);
    const started = await startImport(server, imp.uuid);
    assert.equal(started.status, 200);
    assert.equal(started.json.status, 'processing');
    assertImportShape(started.json);
    await waitForStatus(server, imp.uuid);

    const again = await startImport(server, imp.uuid);
    assert.equal(again.status, 200, 'starting twice is a no-op');
    assert.equal(again.json.status, 'completed');
    const same = await mapImport(server, imp.uuid, CLIENTS_MAPPING);
    assert.equal(same.status, 200, 'the same mapping again is a no-op');
    const other = await mapImport(server, imp.uuid, { email: 'email', send_welcome_email: 'send_welcome_email' });
    assert.equal(other.status, 409);
    assert.match(other.json.message, /already been started \(status: completed\)/);
  });
});

describe('Laravel 9 wording', () => {
  it('words messages without "field" where Laravel 9 did', async () => {
    const nine = await startTestServer({ laravel: '9' });
    try {
      const form = new FormData();
      form.append('type', 'clients');
      form.append('mode', 'store');
      form.append('file', 'text');
      const res = await api(nine, 'POST', '/api/v1/import', { body: form });
      assert.deepEqual(res.json.errors, { file: ['The file must be a file.'] });
      const perPage = await api(nine, 'GET', '/api/v1/import?per_page=x');
      assert.deepEqual(perPage.json.errors, { per_page: ['The per page must be an integer.'] });
    } finally {
      await nine.cleanup();
    }
  });
});
