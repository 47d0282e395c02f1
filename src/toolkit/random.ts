/**
 * Explicit, reproducible seeds. `manualSeed(n)` fixes the sequence of seeds every later random
 * call draws from, as torch.manual_seed does; any call can also take its own `seed`.
 *
 * TensorFlow.js random ops take a seed per call but keep no global generator, so we keep one:
 * a 32-bit mulberry32 stream that hands each call a fresh seed.
 */
import { checkFiniteNumber } from './args';

/** A uniform [0, 1) stream from a seed: the global one below, and private ones for samplers tfjs lacks. */
export function uniformStream(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

/**
 * The seed to hand a TensorFlow.js random op for a user's seed. tfjs treats a seed of 0 as no
 * seed at all (tfjs-core's rand_util: \`seed ? seed : Math.random()\`), so \`{ seed: 0 }\` drew
 * different numbers on every call. User seeds are whole numbers below 2³¹ (checkSeed); 0 becomes
 * 2³¹, which no user seed is, and every other seed passes unchanged.
 */
export function engineSeed(seed: number): number {
  return seed === 0 ? 2 ** 31 : seed;
}

let global = uniformStream((Math.random() * 2 ** 32) >>> 0);

/** Fixes every later draw, like torch.manual_seed. Example: `manualSeed(0)`. */
export function manualSeed(seed: number): void {
  global = uniformStream(checkFiniteNumber('manualSeed', 'seed', seed));
}

/** The next seed from the global stream, or `seed` itself when one is given. */
export function nextSeed(seed?: number): number {
  if (seed !== undefined) return seed;
  return Math.floor(global() * 2 ** 31);
}

/** A random permutation of 0..n-1 (Fisher–Yates) from a seed. */
export function permutation(n: number, seed: number): Int32Array {
  const next = uniformStream(seed);
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) out[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}
