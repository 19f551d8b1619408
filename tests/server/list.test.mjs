// list.test.mjs — GET /api/v1/import: Laravel pagination (data, links, meta), per_page
// limits, every filter, sorting both ways on both fields, include=initiatedBy, and the
// 400s spatie/laravel-query-builder gives for what is not allowed.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { assertImportShape } from './contract.mjs';
import { api, CLIENTS_MAPPING, clientsCsv, createImport, mapImport, startTestServer } from './helpers.mjs';

let server;
/** The imports made for these tests, in creation order: {uuid, type, mode}. */
const made = [];

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

before(async () => {
  server = await startTestServer();
  const plan = [
    ...Array.from({ length: 14 }, () => ['clients', 'store']),
    ...Array.from({ length: 5 }, () => ['clients', 'validate']),
    ...Array.from({ length: 4 }, () => ['notes', 'store']),
  ];
  for (const [type, mode] of plan) {
    const data = type === 'clients' ? clientsCsv(2) : Buffer.from('notable_type,notable_uuid,type,contents\n');
    const res = await createImport(server, { type, mode, data });
    assert.equal(res.status, 200, res.text);
    made.push({ uuid: res.json.uuid, type, mode });
    await sleep(2); // distinct created_at milliseconds
  }
  // Map the two oldest clients imports last: their updated_at is now the newest.
  for (const { uuid } of [made[1], made[0]]) {
    await sleep(2);
    assert.equal((await mapImport(server, uuid, CLIENTS_MAPPING)).status, 200);
  }
});
after(() => server.cleanup());

const list = (query) => api(server, 'GET', `/api/v1/import${query}`);
const uuids = (res) => res.json.data.map((d) => d.uuid);

describe('pagination', () => {
  it('pages 15 by default, in the Laravel paginator shape, without headers and mapping', async () => {
    const res = await list('');
    assert.equal(res.status, 200);
    assert.deepEqual(Object.keys(res.json), ['data', 'links', 'meta']);
    assert.equal(res.json.data.length, 15);
    res.json.data.forEach((d) => assertImportShape(d, { index: true, account: false }));
    const base = `${server.url}/api/v1/import`;
    assert.deepEqual(res.json.links, { first: `${base}?page=1`, last: `${base}?page=2`, prev: null, next: `${base}?page=2` });
    const { links, ...meta } = res.json.meta;
    assert.deepEqual(meta, { current_page: 1, from: 1, last_page: 2, path: base, per_page: 15, to: 15, total: 23 });
    assert.deepEqual(links, [
      { url: null, label: '&laquo; Previous', active: false },
      { url: `${base}?page=1`, label: '1', active: true },
      { url: `${base}?page=2`, label: '2', active: false },
      { url: `${base}?page=2`, label: 'Next &raquo;', active: false },
    ]);
  });

  it('follows links.next to the end, keeping the query, and sees every import once', async () => {
    const seen = [];
    let next = `/api/v1/import?per_page=4&filter[types]=clients`;
    let pages = 0;
    while (next) {
      const res = await api(server, 'GET', next.replace(server.url, ''));
      assert.equal(res.status, 200);
      seen.push(...uuids(res));
      next = res.json.links.next;
      pages++;
      if (next) assert.match(next, /per_page=4/);
    }
    assert.equal(pages, 5);
    assert.deepEqual(seen, made.filter((m) => m.type === 'clients').map((m) => m.uuid));
  });

  it('answers an empty page past the end with from/to null', async () => {
    const res = await list('?per_page=10&page=9');
    assert.deepEqual(res.json.data, []);
    assert.equal(res.json.meta.from, null);
    assert.equal(res.json.meta.to, null);
    assert.equal(res.json.meta.current_page, 9);
    assert.equal(res.json.meta.last_page, 3);
    assert.equal(res.json.links.next, null);
    assert.equal((await list('?page=abc')).json.meta.current_page, 1, 'a page that is not a number is page 1');
  });

  it('allows per_page up to 500 and answers 422 outside 1..500', async () => {
    assert.equal((await list('?per_page=500')).json.data.length, 23);
    for (const [value, message] of [['0', 'The per page field must be at least 1.'], ['501', 'The per page field must not be greater than 500.'],
      ['ten', 'The per page field must be an integer.'], ['2.5', 'The per page field must be an integer.']]) {
      const res = await list(`?per_page=${value}`);
      assert.equal(res.status, 422, value);
      assert.deepEqual(res.json, { message, errors: { per_page: [message] } });
    }
  });
});

describe('filters', () => {
  it('filters by uuid, types, exclude_types, modes and statuses (comma lists)', async () => {
    const two = [made[3].uuid, made[20].uuid];
    assert.deepEqual(uuids(await list(`?filter[uuid]=${two.join(',')}`)), two);
    assert.equal((await list('?filter[types]=notes&per_page=100')).json.meta.total, 4);
    assert.equal((await list('?filter[types]=notes,clients&per_page=100')).json.meta.total, 23);
    assert.equal((await list('?filter[exclude_types]=notes&per_page=100')).json.meta.total, 19);
    assert.equal((await list('?filter[modes]=validate')).json.meta.total, 5);
    assert.deepEqual(uuids(await list('?filter[statuses]=mapped')), [made[0].uuid, made[1].uuid]);
    assert.equal((await list('?filter[statuses]=uploaded,mapped')).json.meta.total, 23);
    assert.equal((await list('?filter[statuses]=completed')).json.meta.total, 0);
  });

  it('filters by creation date and by who started the import', async () => {
    const all = (await list('?per_page=100')).json.data;
    const first = all[0].created_at.slice(0, 10);
    const last = all.at(-1).created_at.slice(0, 10);
    assert.equal((await list(`?filter[date_from]=${first}&filter[date_to]=${last}`)).json.meta.total, 23);
    assert.equal((await list('?filter[date_from]=2999-01-01')).json.meta.total, 0);
    assert.equal((await list('?filter[date_to]=2000-01-01')).json.meta.total, 0);
    const bad = await list('?filter[date_from]=2025-02-30');
    assert.equal(bad.status, 422);
    assert.deepEqual(bad.json.errors, { 'filter.date_from': ['The filter.date_from field must be a valid date.'] });
    assert.equal((await list(`?filter[initiated_by]=${server.account.uuid}`)).json.meta.total, 23);
    assert.equal((await list('?filter[initiated_by]=00000000-0000-4000-8000-000000000000')).json.meta.total, 0);
  });

  it('answers 400 for a filter, sort or include that is not allowed', async () => {
    const filter = await list('?filter[name]=x');
    assert.equal(filter.status, 400);
    assert.match(filter.json.message, /^Requested filter\(s\) `name` are not allowed\. Allowed filter\(s\) are `uuid, types, /);
    const sort = await list('?sort=-type');
    assert.equal(sort.status, 400);
    assert.equal(sort.json.message, 'Requested sort(s) `-type` is not allowed. Allowed sort(s) are `created_at, updated_at`.');
    const include = await list('?include=initiatedBy,owner');
    assert.equal(include.status, 400);
    assert.equal(include.json.message, 'Requested include(s) `owner` are not allowed. Allowed include(s) are `initiatedBy`.');
  });
});

describe('sorting and includes', () => {
  it('sorts by created_at ascending by default, and descending with "-"', async () => {
    const all = made.map((m) => m.uuid);
    assert.deepEqual(uuids(await list('?per_page=100')), all);
    assert.deepEqual(uuids(await list('?per_page=100&sort=created_at')), all);
    assert.deepEqual(uuids(await list('?per_page=100&sort=-created_at')), [...all].reverse());
  });

  it('sorts by updated_at', async () => {
    const desc = uuids(await list('?per_page=100&sort=-updated_at'));
    assert.deepEqual(desc.slice(0, 2), [made[0].uuid, made[1].uuid], 'the imports mapped last come first');
    const asc = uuids(await list('?per_page=100&sort=updated_at'));
    assert.deepEqual(asc.slice(-2), [made[1].uuid, made[0].uuid]);
  });

  it('shows the account only with include=initiatedBy', async () => {
    const plain = await list('?per_page=1');
    assert.equal('account' in plain.json.data[0], false);
    const withAccount = await list('?per_page=1&include=initiatedBy');
    assertImportShape(withAccount.json.data[0], { index: true });
    assert.equal(withAccount.json.data[0].account.uuid, server.account.uuid);
  });
});
