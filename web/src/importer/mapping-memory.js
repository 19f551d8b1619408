// mapping-memory.js — remembers, in this browser, the mapping used for a set of headers,
// per import type, so the next file with the same columns gets it offered again.
//
// Kept in localStorage under "preflight-importer:mapping:v1:<type>:<hash>", where <hash> is
// the SHA-256 of the sorted header names (order does not matter: an export with its columns
// moved is the same set). Only the mapping is stored — field → header pairs and the time —
// never file contents, constant values or tokens.

const PREFIX = 'preflight-importer:mapping:v1:';

/**
 * The key part for a set of headers.
 * @param {string[]} headers
 */
export async function headersHash(headers) {
  const text = JSON.stringify([...headers].sort());
  if (globalThis.crypto?.subtle) {
    const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
    return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
  }
  // Not a secure context: FNV-1a (64-bit, as two halves) is enough to tell header sets apart.
  let h1 = 0x811c9dc5;
  let h2 = 0x01000193;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 0x01000193) >>> 0;
    h2 = Math.imul(h2 ^ c, 0x811c9dc5) >>> 0;
  }
  return `fnv-${h1.toString(16)}${h2.toString(16)}`;
}

function storage() {
  try {
    return globalThis.localStorage ?? null;
  } catch {
    return null; // storage disabled (privacy settings, sandboxed frame)
  }
}

/**
 * The mapping used before for these headers and this type, or null.
 * @param {string} type
 * @param {string[]} headers
 * @returns {Promise<{mapping: Record<string, string>, savedAt: number}|null>} field → header
 */
export async function recallMapping(type, headers) {
  const store = storage();
  if (!store) return null;
  const key = PREFIX + type + ':' + (await headersHash(headers));
  try {
    const saved = JSON.parse(store.getItem(key) ?? 'null');
    if (!saved || typeof saved.mapping !== 'object') return null;
    const present = new Set(headers);
    const mapping = {};
    for (const [field, header] of Object.entries(saved.mapping)) {
      if (typeof header === 'string' && present.has(header)) mapping[field] = header;
    }
    return { mapping, savedAt: Number(saved.savedAt) || 0 };
  } catch {
    return null;
  }
}

/**
 * Remembers a mapping (field → header) for these headers and this type.
 * @param {string} type
 * @param {string[]} headers
 * @param {Record<string, string>} mapping
 */
export async function rememberMapping(type, headers, mapping) {
  const store = storage();
  if (!store) return;
  const key = PREFIX + type + ':' + (await headersHash(headers));
  const clean = {};
  for (const [field, header] of Object.entries(mapping)) if (typeof header === 'string') clean[field] = header;
  try {
    store.setItem(key, JSON.stringify({ mapping: clean, savedAt: Date.now() }));
  } catch {
    // quota or disabled storage: remembering is a convenience
  }
}
