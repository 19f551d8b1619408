// seeded-random.js — one small seedable PRNG (mulberry32) for everything that must be the
// same on every run and every machine: generated sample and benchmark files, test streams,
// and the reference server's fault injection.

/**
 * A mulberry32 generator: each call returns the next number in [0, 1).
 * @param {number} seed any 32-bit integer
 * @returns {() => number}
 */
export function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
