// units.test.mjs — the server's pure parts, without a server: the multipart parser (split
// at every byte, binary content, quoted parameters, malformed bodies), the CSV helpers, the
// Laravel pagination window, fault plans and the command line.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { neutralisedRow, parseCsv, recordLine, splitRecords } from '../../web/server/csv.js';
import { FaultInjector, mulberry32, parseFaults } from '../../web/server/faults.js';
import { nameSegments, setByName, dict } from '../../web/server/form.js';
import { summarize } from '../../web/server/laravel.js';
import { parseArgs } from '../../web/server/main.js';
import { boundaryOf, MultipartError, MultipartParser, parseHeaderParams } from '../../web/server/multipart.js';
import { pageWindow } from '../../web/server/pagination.js';
import { safeSegments } from '../../web/server/static.js';

/** Parses `body` fed in the given chunk sizes; returns the parts with their bytes. */
function parseParts(boundary, body, chunkSize = body.length) {
  const parts = [];
  let current = null;
  const parser = new MultipartParser(boundary, {
    onPart: (info) => { current = { ...info, chunks: [] }; },
    onData: (d) => current.chunks.push(Buffer.from(d)),
    onPartEnd: () => {
      parts.push({ name: current.name, filename: current.filename, contentType: current.contentType, data: Buffer.concat(current.chunks) });
      current = null;
    },
  });
  for (let at = 0; at < body.length; at += chunkSize) parser.write(body.subarray(at, at + chunkSize));
  parser.end();
  return parts;
}

const B = 'ZzBoundary7MA4YWxk';
/** Every byte value, CRLFs, quotes, and the boundary's own prefix — content that must survive. */
const binary = Buffer.concat([
  Buffer.from(Array.from({ length: 256 }, (_, i) => i)),
  Buffer.from(`\r\n--${B.slice(0, 10)}\r\n"a","b"\r\n\r\n--`),
  Buffer.from([0, 0, 13, 10, 45, 45]),
]);
const sampleBody = Buffer.concat([
  Buffer.from(`preamble to ignore\r\n--${B}\r\nContent-Disposition: form-data; name="type"\r\n\r\nclients\r\n`),
  Buffer.from(`--${B}\r\nContent-Disposition: form-data; name="mode"\r\n\r\nstore\r\n`),
  Buffer.from(`--${B}\r\nContent-Disposition: form-data; name="file"; filename="a;b \\"q\\".csv"\r\nContent-Type: text/csv\r\n\r\n`),
  binary,
  Buffer.from(`\r\n--${B}--\r\nepilogue to ignore`),
]);

describe('multipart parser', () => {
  it('reads fields and binary file content exactly, whatever the chunking', () => {
    const whole = parseParts(B, sampleBody);
    assert.deepEqual(whole.map((p) => [p.name, p.filename]), [['type', null], ['mode', null], ['file', 'a;b "q".csv']]);
    assert.equal(whole[0].data.toString(), 'clients');
    assert.equal(whole[2].contentType, 'text/csv');
    assert.ok(whole[2].data.equals(binary), 'file bytes unchanged');
    for (const size of [1, 2, 3, 7, 19, 64, 1000]) {
      const parts = parseParts(B, sampleBody, size);
      assert.equal(parts.length, 3, `chunk size ${size}`);
      assert.ok(parts[2].data.equals(binary), `file bytes at chunk size ${size}`);
    }
  });

  it('reads the body split at every single position', () => {
    const expected = parseParts(B, sampleBody);
    for (let cut = 1; cut < sampleBody.length; cut++) {
      const parts = [];
      let current = null;
      const parser = new MultipartParser(B, {
        onPart: (info) => { current = { name: info.name, chunks: [] }; },
        onData: (d) => current.chunks.push(Buffer.from(d)),
        onPartEnd: () => parts.push({ name: current.name, data: Buffer.concat(current.chunks) }),
      });
      parser.write(sampleBody.subarray(0, cut));
      parser.write(sampleBody.subarray(cut));
      parser.end();
      assert.deepEqual(parts.map((p) => p.name), expected.map((p) => p.name), `cut at ${cut}`);
      parts.forEach((p, i) => assert.ok(p.data.equals(expected[i].data), `part ${i}, cut at ${cut}`));
    }
  });

  it('reads an empty part, a part without headers is refused, RFC 8187 names are decoded', () => {
    const body = Buffer.from(`--${B}\r\nContent-Disposition: form-data; name="empty"\r\n\r\n\r\n`
      + `--${B}\r\nContent-Disposition: form-data; name="f"; filename="x.csv"; filename*=UTF-8''%E2%82%AC%20report.csv\r\n\r\nA\r\n--${B}--`);
    const parts = parseParts(B, body);
    assert.equal(parts[0].data.length, 0);
    assert.equal(parts[1].filename, '€ report.csv');
    assert.equal(parts[1].contentType, 'application/octet-stream');
    assert.throws(() => parseParts(B, Buffer.from(`--${B}\r\n\r\nx\r\n--${B}--`)), /no Content-Disposition/);
  });

  it('refuses malformed bodies with a message saying what is wrong', () => {
    const cases = [
      [`--${B}\r\nContent-Disposition: form-data; name="a"\r\n\r\nno end`, /ended before its closing boundary/],
      ['no boundary anywhere', /boundary never appears/],
      [`--${B}\r\nContent-Disposition: attachment; name="a"\r\n\r\nx\r\n--${B}--`, /not form-data/],
      [`--${B}\r\nContent-Disposition: form-data\r\n\r\nx\r\n--${B}--`, /no name parameter/],
      [`--${B}\r\nbroken header line\r\n\r\nx\r\n--${B}--`, /malformed header line/],
      [`--${B}\r\nContent-Disposition: form-data; name="a\r\n\r\nx\r\n--${B}--`, /Unterminated quoted parameter/],
      [`--${B}junk\r\nContent-Disposition: form-data; name="a"\r\n\r\nx\r\n--${B}--`, /followed by text/],
      [`--${B}\r\nX-Long: ${'h'.repeat(20_000)}\r\n\r\nx\r\n--${B}--`, /headers are longer than/],
    ];
    for (const [text, message] of cases) {
      assert.throws(() => parseParts(B, Buffer.from(text)), (e) => e instanceof MultipartError && message.test(e.message), text.slice(0, 60));
    }
    const many = `${Array.from({ length: 5 }, (_, i) => `--${B}\r\nContent-Disposition: form-data; name="p${i}"\r\n\r\nx\r\n`).join('')}--${B}--`;
    assert.throws(() => {
      const parser = new MultipartParser(B, { onPart() {}, onData() {}, onPartEnd() {}, maxParts: 3 });
      parser.write(Buffer.from(many));
    }, /more than 3 parts/);
  });

  it('reads the boundary and parameters of headers', () => {
    assert.equal(boundaryOf('multipart/form-data; boundary="a b;c"'), 'a b;c');
    assert.equal(boundaryOf('Multipart/Form-Data; charset=utf-8; boundary=xyz'), 'xyz');
    assert.throws(() => boundaryOf('multipart/form-data'), /no boundary/);
    assert.throws(() => boundaryOf('text/plain; boundary=x'), /Expected a multipart/);
    const { value, params } = parseHeaderParams('form-data; name="a\\"b"; filename="C:\\dir\\f.csv"; flag');
    assert.equal(value, 'form-data');
    assert.equal(params.get('name'), 'a"b');
    assert.equal(params.get('filename'), 'C:\\dir\\f.csv', 'backslashes before other characters are kept');
  });
});

describe('csv helpers', () => {
  it('parses RFC 4180 with quotes, doubled quotes and line breaks in cells', () => {
    assert.deepEqual(parseCsv('a,b\r\n"x, ""y""","multi\nline"\r\n,\r\n'), [['a', 'b'], ['x, "y"', 'multi\nline'], ['', '']]);
    assert.deepEqual(parseCsv('\ufeffa\r\nb'), [['a'], ['b']]);
    assert.throws(() => parseCsv('"open'), /inside a quoted cell/);
  });

  it('splits error CSV records without unquoting, and reads their line', () => {
    const text = '\ufeff"line","a","errors"\r\n"5","x\r\ny","The a field is required.\nOther."\r\n"12","""q""",""\r\n';
    const records = splitRecords(text);
    assert.equal(records.length, 3);
    assert.equal(records.join(''), text);
    assert.deepEqual(records.map(recordLine), [0, 5, 12]);
  });

  it('neutralises formula triggers as the engine does', () => {
    assert.equal(neutralisedRow(['7', '=1+2', '-5', 'plain', 'a"b', '\n=x']), `"7","'=1+2","'-5","plain","a""b","'\n=x"\r\n`);
  });
});

describe('laravel and pagination', () => {
  it('summarises several messages as Laravel does', () => {
    assert.equal(summarize(['A.']), 'A.');
    assert.equal(summarize(['A.', 'B.']), 'A. (and 1 more error)');
    assert.equal(summarize(['A.', 'B.', 'C.']), 'A. (and 2 more errors)');
  });

  it('builds the page window with gaps like UrlWindow', () => {
    assert.deepEqual(pageWindow(1, 5), [1, 2, 3, 4, 5]);
    assert.deepEqual(pageWindow(1, 20), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, '...', 19, 20]);
    assert.deepEqual(pageWindow(10, 20), [1, 2, '...', 7, 8, 9, 10, 11, 12, 13, '...', 19, 20]);
    assert.deepEqual(pageWindow(19, 20), [1, 2, '...', 11, 12, 13, 14, 15, 16, 17, 18, 19, 20]);
  });

  it('turns bracket names into nested null-prototype objects', () => {
    assert.deepEqual(nameSegments('headers[0][email]'), ['headers', '0', 'email']);
    assert.deepEqual(nameSegments('a[b'), ['a[b']);
    const target = dict();
    setByName(target, 'headers[0][__proto__]', 'x');
    setByName(target, 'list[]', 'a');
    setByName(target, 'list[]', 'b');
    assert.equal(Object.getPrototypeOf(target.headers[0]), null);
    assert.equal(target.headers[0].__proto__, 'x');
    assert.equal({}.polluted, undefined);
    assert.deepEqual(Object.values(target.list), ['a', 'b']);
  });

  it('refuses unsafe static path segments', () => {
    assert.deepEqual(safeSegments('/a/b%20c.js'), ['a', 'b c.js']);
    for (const bad of ['/../etc/passwd', '/a/%2e%2e/b', '/a%2fb', '/.env', '/a%5cb', '/a%00b', '/%E0%A4%A']) {
      assert.equal(safeSegments(bad), null, bad);
    }
  });
});

describe('faults', () => {
  it('is deterministic for a seed, and validates its configuration', () => {
    const a = mulberry32(42);
    const b = mulberry32(42);
    const seqA = Array.from({ length: 5 }, a);
    assert.deepEqual(seqA, Array.from({ length: 5 }, b));
    assert.notDeepEqual(seqA, Array.from({ length: 5 }, mulberry32(43)));
    const plans = (seed) => {
      const f = new FaultInjector(parseFaults({ error500: 0.3, dropAfterAct: 0.3, seed }));
      return Array.from({ length: 40 }, () => {
        const p = f.plan('POST', '/api/v1/import');
        return p.reject ? p.reject.status : p.dropAfterAct ? 'drop' : 'ok';
      });
    };
    assert.deepEqual(plans(7), plans(7));
    assert.ok(plans(7).includes(500) && plans(7).includes('drop') && plans(7).includes('ok'));
    assert.throws(() => parseFaults({ error500: 2 }), /"error500" must be a number from 0 to 1/);
    assert.throws(() => parseFaults({ bogus: 1 }), /unknown key "bogus"/);
    assert.throws(() => parseFaults({ methods: 'POST' }), /"methods" must be an array/);
  });

  it('limits faults to the configured methods and paths', () => {
    const f = new FaultInjector(parseFaults({ error500: 1, methods: ['post'], paths: ['/api/v1/import/map'] }));
    assert.equal(f.plan('GET', '/api/v1/import/map/x').reject, null);
    assert.equal(f.plan('POST', '/api/v1/import').reject, null);
    assert.equal(f.plan('POST', '/api/v1/import/map/x').reject.status, 500);
  });
});

describe('command line', () => {
  it('reads every option, and names a bad one', () => {
    const { options, quiet } = parseArgs(['--port', '0', '--token=t', '--cors-origin', 'http://a,http://b', '--cors-origin', 'http://c',
      '--static-header', 'Content-Security-Policy: default-src \'none\'', '--faults', '{"error500":0.5}', '--rate-window-s', '2', '--quiet']);
    assert.equal(options.port, 0);
    assert.equal(options.token, 't');
    assert.deepEqual(options.corsOrigins, ['http://a', 'http://b', 'http://c']);
    assert.deepEqual(options.staticHeaders, { 'content-security-policy': "default-src 'none'" });
    assert.deepEqual(options.faults, { error500: 0.5 });
    assert.equal(options.rateWindowMs, 2000);
    assert.equal(quiet, true);
    assert.throws(() => parseArgs(['--port', 'x']), /--port: expected an integer/);
    assert.throws(() => parseArgs(['--faults', '{']), /--faults: not valid JSON/);
    assert.throws(() => parseArgs(['--nope']), /unknown option "--nope"/);
    assert.throws(() => parseArgs(['--db']), /--db needs a value/);
  });
});
