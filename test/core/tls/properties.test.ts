// Property tests: random and mutated hellos never throw anything but NotTlsError, never hang,
// and every field stays inside its source and its parent.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkFieldInvariants } from '../../../core/dissect/validate.js';
import { fingerprintClientHello, fingerprintServerHello } from '../../../core/fingerprint/tls-fingerprints.js';
import { NotTlsError, parseTls } from '../../../core/tls/parse-tls.js';
import { FIXTURES, has, readBytes } from '../../helpers/paths.js';

const seeds: Uint8Array[] = [];
for (const id of readdirSync(join(FIXTURES, 'clients'))) {
  for (const f of ['hello.bin', 'server-flight.bin']) {
    const p = join(FIXTURES, 'clients', id, f);
    if (has(p)) seeds.push(readBytes(p));
  }
}

/** Parses and checks; returns false on any property violation. */
function holds(input: Uint8Array): boolean {
  let parsed;
  try {
    parsed = parseTls(input);
  } catch (e) {
    if (e instanceof NotTlsError) return true;
    throw e;
  }
  const errors = checkFieldInvariants(parsed.fields, parsed.sources);
  if (errors.length) throw new Error(errors.slice(0, 3).join('\n'));
  // Fingerprints are total functions of whatever was parsed.
  for (const m of parsed.messages) {
    if (m.kind === 'client_hello') fingerprintClientHello(m);
    if (m.kind === 'server_hello') fingerprintServerHello(m);
  }
  const fast = parseTls(input, { tree: false });
  return fast.messages.length === parsed.messages.length && fast.problems.length === parsed.problems.length;
}

const mutated = fc.tuple(fc.constantFrom(...seeds), fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 8 }), fc.option(fc.nat()))
  .map(([seed, flips, cut]) => {
    const b = seed.slice();
    for (const [at, v] of flips) b[at % b.length] = v;
    return cut === null ? b : b.subarray(0, cut % (b.length + 1));
  });

describe('parser properties', () => {
  it('has seeds from every recorded client', () => {
    expect(seeds.length).toBeGreaterThan(30);
  });

  it('arbitrary bytes', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 600 }), holds), { numRuns: 2000 });
  });

  it('arbitrary bytes behind a plausible record or handshake header', () => {
    const headed = fc.tuple(fc.constantFrom([0x16, 0x03, 0x01], [0x16, 0x03, 0x03], [0x16, 0xfe, 0xfd], [0x01, 0x00], [0x02, 0x00], [0x80, 0x40, 0x01, 0x03]), fc.uint8Array({ maxLength: 700 }))
      .map(([h, rest]) => Uint8Array.from([...h, ...rest]));
    fc.assert(fc.property(headed, holds), { numRuns: 3000 });
  });

  it('real hellos with bytes changed and cut short', () => {
    fc.assert(fc.property(mutated, holds), { numRuns: 3000 });
  });

  it('real hellos split into many tiny records', () => {
    const split = fc.tuple(fc.constantFrom(...seeds.filter((s) => s[0] === 22)), fc.integer({ min: 1, max: 64 })).map(([seed, size]) => {
      const payload = seed.subarray(5, 5 + ((seed[3]! << 8) | seed[4]!));
      const out: number[] = [];
      for (let i = 0; i < payload.length; i += size) {
        const part = payload.subarray(i, i + size);
        out.push(22, seed[1]!, seed[2]!, part.length >> 8, part.length & 0xff, ...part);
      }
      return { seed, bytes: Uint8Array.from(out) };
    });
    fc.assert(fc.property(split, ({ seed, bytes }) => {
      const a = parseTls(bytes, { tree: false }).messages[0]!;
      const b = parseTls(seed, { tree: false }).messages[0]!;
      expect(a.kind).toBe(b.kind);
      if (a.kind === 'client_hello' && b.kind === 'client_hello') expect(fingerprintClientHello(a)).toEqual(fingerprintClientHello(b));
      return holds(bytes);
    }), { numRuns: 300 });
  });
});
