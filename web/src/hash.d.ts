// hash.d.ts — the public API of web/src/hash.js (hand-written; keep in step).

/** SHA-256 of one buffer (a string is hashed as UTF-8) through WebCrypto, as lower-case hex. */
export function sha256Hex(data: BufferSource | string): Promise<string>;
export function toHex(bytes: Uint8Array): string;

/** A streaming SHA-256 (FIPS 180-4). */
export class Sha256 {
  constructor();
  update(data: Uint8Array): this;
  /** The 32-byte digest; once. */
  digest(): Uint8Array;
  hex(): string;
}

/** Bytes per slice read by hashFile (4 MiB). */
export const HASH_SLICE_BYTES: number;

/** The SHA-256 of a File or Blob, read slice by slice: the same digest as sha256sum. */
export function hashFile(
  blob: Blob,
  options?: { sliceBytes?: number; signal?: AbortSignal; onProgress?: (bytesHashed: number, totalBytes: number) => void },
): Promise<string>;

/** JSON with object keys sorted at every level. */
export function canonicalJson(value: unknown): string;
