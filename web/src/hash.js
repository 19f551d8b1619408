// hash.js — SHA-256 for the batch poster and the resume store.
//
// - sha256Hex(data): one buffer, through WebCrypto (crypto.subtle, in browsers, workers and
//   Node 20).
// - hashFile(blob): the standard SHA-256 of a File or Blob of any size, read in slices, so a
//   big file never sits in memory whole. WebCrypto has no incremental digest, so the slices
//   go through a small streaming SHA-256 here (FIPS 180-4). A file that fits in one slice
//   goes straight to WebCrypto; both paths give the same digest as `sha256sum`.

const encoder = new TextEncoder();

/**
 * @param {BufferSource|string} data a string is hashed as UTF-8
 * @returns {Promise<string>} lower-case hex
 */
export async function sha256Hex(data) {
  const bytes = typeof data === 'string' ? encoder.encode(data) : data;
  return toHex(new Uint8Array(await globalThis.crypto.subtle.digest('SHA-256', bytes)));
}

/** @param {Uint8Array} bytes */
export function toHex(bytes) {
  let out = '';
  for (let i = 0; i < bytes.length; i++) out += bytes[i].toString(16).padStart(2, '0');
  return out;
}

const K = new Int32Array([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
  0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
  0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
  0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
  0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
  0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
]);

/** A streaming SHA-256: update() any number of times, then digest() once. */
export class Sha256 {
  constructor() {
    this.h = new Int32Array([0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19]);
    this.w = new Int32Array(64);
    this.block = new Uint8Array(64);
    this.blockLength = 0;
    this.bytes = 0; // total length; a double is exact far beyond any file size
    this.done = false;
  }

  /**
   * @param {Uint8Array} data
   * @returns {this}
   */
  update(data) {
    if (this.done) throw new Error('Sha256: update() after digest()');
    let at = 0;
    this.bytes += data.length;
    if (this.blockLength > 0) {
      const take = Math.min(64 - this.blockLength, data.length);
      this.block.set(data.subarray(0, take), this.blockLength);
      this.blockLength += take;
      at = take;
      if (this.blockLength < 64) return this;
      this.compress(this.block, 0);
      this.blockLength = 0;
    }
    const whole = at + Math.floor((data.length - at) / 64) * 64;
    if (whole > at) this.compressBlocks(data, at, whole);
    at = whole;
    if (at < data.length) {
      this.block.set(data.subarray(at), 0);
      this.blockLength = data.length - at;
    }
    return this;
  }

  /** @returns {Uint8Array} the 32-byte digest */
  digest() {
    if (this.done) throw new Error('Sha256: digest() called twice');
    const bits = this.bytes * 8;
    const tail = new Uint8Array(this.blockLength < 56 ? 64 : 128);
    tail.set(this.block.subarray(0, this.blockLength));
    tail[this.blockLength] = 0x80;
    const view = new DataView(tail.buffer);
    view.setUint32(tail.length - 8, Math.floor(bits / 0x100000000));
    view.setUint32(tail.length - 4, bits >>> 0);
    this.compress(tail, 0);
    if (tail.length === 128) this.compress(tail, 64);
    this.done = true;
    const out = new Uint8Array(32);
    const outView = new DataView(out.buffer);
    for (let i = 0; i < 8; i++) outView.setUint32(i * 4, this.h[i]);
    return out;
  }

  /** @returns {string} the digest as lower-case hex */
  hex() {
    return toHex(this.digest());
  }

  /** Compresses one 64-byte block at `at`. */
  compress(data, at) {
    this.compressBlocks(data, at, at + 64);
  }

  /** Compresses the 64-byte blocks of data[at, end), keeping the state in locals. */
  compressBlocks(data, at, end) {
    const w = this.w;
    const h = this.h;
    let h0 = h[0]; let h1 = h[1]; let h2 = h[2]; let h3 = h[3];
    let h4 = h[4]; let h5 = h[5]; let h6 = h[6]; let h7 = h[7];
    for (; at < end; at += 64) {
      for (let i = 0, j = at; i < 16; i++, j += 4) {
        w[i] = (data[j] << 24) | (data[j + 1] << 16) | (data[j + 2] << 8) | data[j + 3];
      }
      for (let i = 16; i < 64; i++) {
        const x = w[i - 15];
        const y = w[i - 2];
        const s0 = ((x >>> 7) | (x << 25)) ^ ((x >>> 18) | (x << 14)) ^ (x >>> 3);
        const s1 = ((y >>> 17) | (y << 15)) ^ ((y >>> 19) | (y << 13)) ^ (y >>> 10);
        w[i] = (((w[i - 16] + s0) | 0) + ((w[i - 7] + s1) | 0)) | 0;
      }
      let a = h0; let b = h1; let c = h2; let d = h3;
      let e = h4; let f = h5; let g = h6; let hh = h7;
      for (let i = 0; i < 64; i++) {
        const S1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
        const ch = (e & f) ^ (~e & g);
        const t1 = (((((hh + S1) | 0) + ((ch + K[i]) | 0)) | 0) + w[i]) | 0;
        const S0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
        const maj = (a & b) ^ (a & c) ^ (b & c);
        const t2 = (S0 + maj) | 0;
        hh = g; g = f; f = e; e = (d + t1) | 0;
        d = c; c = b; b = a; a = (t1 + t2) | 0;
      }
      h0 = (h0 + a) | 0; h1 = (h1 + b) | 0; h2 = (h2 + c) | 0; h3 = (h3 + d) | 0;
      h4 = (h4 + e) | 0; h5 = (h5 + f) | 0; h6 = (h6 + g) | 0; h7 = (h7 + hh) | 0;
    }
    h[0] = h0; h[1] = h1; h[2] = h2; h[3] = h3; h[4] = h4; h[5] = h5; h[6] = h6; h[7] = h7;
  }
}

/** Bytes read per slice by hashFile (4 MiB). */
export const HASH_SLICE_BYTES = 4 << 20;

/**
 * The SHA-256 of a File or Blob, read slice by slice (at most one slice in memory).
 * @param {Blob} blob
 * @param {{sliceBytes?: number, signal?: AbortSignal, onProgress?: (bytesHashed: number, totalBytes: number) => void}} [options]
 * @returns {Promise<string>} lower-case hex, the same as `sha256sum`
 */
export async function hashFile(blob, { sliceBytes = HASH_SLICE_BYTES, signal, onProgress } = {}) {
  if (!(sliceBytes > 0)) throw new RangeError('hashFile: sliceBytes must be positive');
  signal?.throwIfAborted();
  if (blob.size <= sliceBytes) {
    const digest = await sha256Hex(await blob.arrayBuffer());
    onProgress?.(blob.size, blob.size);
    return digest;
  }
  const hash = new Sha256();
  for (let at = 0; at < blob.size; at += sliceBytes) {
    signal?.throwIfAborted();
    const end = Math.min(blob.size, at + sliceBytes);
    hash.update(new Uint8Array(await blob.slice(at, end).arrayBuffer()));
    onProgress?.(end, blob.size);
  }
  return hash.hex();
}

/**
 * JSON with object keys sorted at every level: a stable text to hash (mappings, options).
 * @param {unknown} value
 * @returns {string}
 */
export function canonicalJson(value) {
  if (value === undefined) return 'null';
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const keys = Object.keys(value).filter((k) => value[k] !== undefined).sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(value[k])}`).join(',')}}`;
}
