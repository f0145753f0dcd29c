// The listener's per-connection shortcuts must give exactly what computing gives: the facts kept
// per hello shape (checked on every recorded client hello, with the per-connection fields
// re-randomised: must hit and equal a fresh computation; with a fingerprinted field changed: must
// miss), the log line (the same text as JSON.stringify of the observation), the /fps answer (the
// same text as JSON.stringify(answer, null, 2)) and utc_now (the seed's form: the ISO form without T and Z, six fractional digits).
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, existsSync } from 'node:fs';
import https from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { computeHelloFacts, helloShapeKey, helloShapeMasks, HelloMemo, parseHello } from '../../../electron/services/listener/hello-memo.js';
import { prettyMember, startListener, thousandths, utcNow, type ListenerHandle } from '../../../electron/services/listener/index.js';
import type { ClientHello } from '../../../core/tls/model.js';

const CLIENTS = fileURLToPath(new URL('../../fixtures/clients', import.meta.url));
const hellos = readdirSync(CLIENTS).filter((d) => existsSync(join(CLIENTS, d, 'hello.bin'))).map((d) => ({ name: d, bytes: new Uint8Array(readFileSync(join(CLIENTS, d, 'hello.bin'))) }));
const facts = (b: Uint8Array) => computeHelloFacts(parseHello(b).clientHello as ClientHello);
/** The hello with every per-connection field (the memo's masks) filled with fresh random bytes. */
function rerandomised(b: Uint8Array): Uint8Array {
  const c = new Uint8Array(b);
  const m = helloShapeMasks(b)!;
  for (let i = 0; i < m.length; i += 2) c.set(randomBytes(m[i + 1]!), m[i]!);
  return c;
}
/** Offset of the first cipher suite (record 5 + handshake 4 + version 2 + random 32 + session id). */
const firstCipherAt = (b: Uint8Array) => 43 + 1 + b[43]! + 2;

describe('hello facts remembered per shape', () => {
  it('every recorded client hello has a shape key, and its masks cover the random, the session id and the key shares', () => {
    expect(hellos.length).toBeGreaterThanOrEqual(15);
    for (const { name, bytes } of hellos) {
      expect(helloShapeKey(bytes), name).not.toBeNull();
      const m = helloShapeMasks(bytes)!;
      expect(m.slice(0, 2), name).toEqual([11, 32]);
      const hello = parseHello(bytes).clientHello as ClientHello;
      const ks = hello.extensions.find((e) => e.type === 51);
      if (ks) expect(m.some((at, i) => i % 2 === 0 && at > ks.start && at < ks.start + 4 + ks.length), `${name} key_share masked`).toBe(true);
    }
  });

  it('a hello with the same shape (per-connection fields re-randomised) hits, and the kept facts equal a fresh computation', () => {
    for (const { name, bytes } of hellos) {
      const memo = new HelloMemo();
      const first = memo.get(bytes, () => parseHello(bytes).clientHello as ClientHello);
      expect(first, name).toEqual(facts(bytes));
      for (let k = 0; k < 3; k++) {
        const again = rerandomised(bytes);
        expect(Buffer.compare(again, bytes), name).not.toBe(0);
        let parsed = false;
        const got = memo.get(again, () => { parsed = true; return parseHello(again).clientHello as ClientHello; });
        expect(parsed, `${name}: a hit does not parse`).toBe(false);
        expect(got, name).toBe(first);
        expect(got, name).toEqual(facts(again));
      }
      expect([memo.hits, memo.misses], name).toEqual([3, 1]);
    }
  });

  it('hits survive other shapes in between (the map behind the recent ones), and the memo is bounded', () => {
    const memo = new HelloMemo(64);
    for (const { bytes } of hellos) memo.get(bytes, () => parseHello(bytes).clientHello as ClientHello);
    // Identical hellos share one shape (several clients use the same OpenSSL defaults).
    const shapes = memo.size;
    expect(memo.misses).toBe(shapes);
    for (const { name, bytes } of hellos) {
      const again = rerandomised(bytes);
      expect(memo.get(again, () => { throw new Error(`${name} should hit`); }), name).toEqual(facts(again));
    }
    expect(memo.misses).toBe(shapes);
  });

  it('a hello differing in a fingerprinted field misses and gets its own (different) facts', () => {
    for (const { name, bytes } of hellos) {
      const memo = new HelloMemo();
      const first = memo.get(bytes, () => parseHello(bytes).clientHello as ClientHello);
      // One cipher suite replaced by another assigned one (0x009c, TLS_RSA_WITH_AES_128_GCM_SHA256, or 0x009d).
      const mutated = new Uint8Array(bytes);
      const at = firstCipherAt(bytes);
      const was = (mutated[at]! << 8) | mutated[at + 1]!;
      mutated[at] = 0x00;
      mutated[at + 1] = was === 0x009c ? 0x9d : 0x9c;
      let parsed = false;
      const got = memo.get(mutated, () => { parsed = true; return parseHello(mutated).clientHello as ClientHello; });
      expect(parsed, `${name}: a changed cipher list is computed`).toBe(true);
      expect(got, name).toEqual(facts(mutated));
      expect(got.fp.ja3_full, name).not.toBe(first.fp.ja3_full);
      expect(memo.misses, name).toBe(2);
    }
  });

  it('a different server name is a different shape', () => {
    const { bytes } = hellos.find((h) => h.name === 'node-https')!;
    const hello = parseHello(bytes).clientHello as ClientHello;
    expect(hello.serverName).toBeTruthy();
    const i = Buffer.from(bytes).indexOf(Buffer.from(hello.serverName!, 'latin1'));
    const mutated = new Uint8Array(bytes);
    mutated[i] = mutated[i] === 0x78 ? 0x79 : 0x78;
    const memo = new HelloMemo();
    memo.get(bytes, () => hello);
    const got = memo.get(mutated, () => parseHello(mutated).clientHello as ClientHello);
    expect(memo.misses).toBe(2);
    expect(got.serverName).not.toBe(hello.serverName);
    expect(got).toEqual(facts(mutated));
  });

  it('bytes that are not exactly one well-formed hello record get no key (computed every time)', () => {
    const { bytes } = hellos.find((h) => h.name === 'node-https')!;
    expect(helloShapeKey(bytes.subarray(0, bytes.length - 1))).toBeNull();
    const longer = new Uint8Array(bytes.length + 1);
    longer.set(bytes);
    expect(helloShapeKey(longer)).toBeNull();
    const bad = new Uint8Array(bytes);
    bad[5] = 2;
    expect(helloShapeKey(bad)).toBeNull();
    // Hellos above the memo's size limit are computed every time.
    const small = new HelloMemo(1024, bytes.length - 1);
    small.get(bytes, () => parseHello(bytes).clientHello as ClientHello);
    small.get(bytes, () => parseHello(bytes).clientHello as ClientHello);
    expect([small.hits, small.misses, small.size]).toEqual([0, 2, 0]);
  });
});

describe('text built from kept parts equals what JSON.stringify writes', () => {
  it('prettyMember is one member of JSON.stringify(object, null, 2)', () => {
    const o = { a: 1, b: { c: [1, { d: 'x\ny"' }], e: {} }, f: null, g: [], h: 'Mozilla/5.0 "ü" \u0001', i: undefined, j: 1.5e-7 };
    const text = `{\n${Object.entries(o).map(([k, v]) => prettyMember(k, v)).filter((x) => x !== undefined).join(',\n')}\n}`;
    expect(text).toBe(JSON.stringify(o, null, 2));
  });

  it('thousandths(k) is String(k / 1000): the timestamp and rtt_ms as JSON writes them', () => {
    const ks = [0, 1, 9, 10, 11, 99, 100, 101, 110, 999, 1000, 1001, 1010, 1100, 123456, Date.now(), 1e15 - 1, 1e15, 2 ** 53 - 1, -1, -1500, 0.5];
    for (let i = 0; i < 20_000; i++) ks.push(i, Math.floor(Math.random() * 5e12), Math.floor(Math.random() * 1e15), Date.now() + i);
    for (const k of ks) expect(thousandths(k), String(k)).toBe(String(k / 1000));
  });

  it('utcNow is the seed\'s form: the ISO form without T and Z, with six fractional digits', () => {
    const ms = [0, 999, 1000, 1001, Date.now(), Date.UTC(2026, 11, 31, 23, 59, 59, 999), Date.UTC(2027, 0, 1), -1, -1001, 253402300799999];
    for (let i = 0; i < 2000; i++) ms.push(Math.floor(Math.random() * 4e12), Date.now() + i * 7);
    ms.sort((a, b) => a - b);
    for (const m of [...ms, ...ms.reverse(), 253402300800000]) expect(utcNow(m), String(m)).toBe(new Date(m).toISOString().replace('T', ' ').replace('Z', '000'));
    // (A time with a fraction of a millisecond keeps its microseconds.)
    expect(utcNow(1.5)).toBe('1970-01-01 00:00:00.001500');
    expect(utcNow(Date.UTC(2022, 1, 17, 19, 7, 9) + 136.016)).toBe('2022-02-17 19:07:09.136016');
    expect(utcNow(-0.25)).toBe('1969-12-31 23:59:59.999750');
    expect(utcNow(999.9999)).toBe('1970-01-01 00:00:01.000000');
  });

  describe('through the listener', () => {
    let h: ListenerHandle;
    beforeAll(async () => { h = await startListener({ port: 0, dataDir: mkdtempSync(join(tmpdir(), 'hs-listener-memo-')) }); });
    afterAll(async () => { await h?.stop(); });
    const get = (path: string, headers: Record<string, string> = {}) => new Promise<string>((res, rej) => {
      https.get({ host: '127.0.0.1', port: h.port, path, rejectUnauthorized: false, headers, agent: false }, (s) => { let b = ''; s.setEncoding('utf8'); s.on('data', (d) => (b += d)); s.on('end', () => res(b)); }).on('error', rej);
    });

    it('the /fps answers (repeat clients included) are JSON.stringify(answer, null, 2), and each log line is JSON.stringify of its observation', async () => {
      const uas = ['repeat/1', 'repeat/1', 'repeat/1', 'Mozilla/5.0 "quoted" \\ back', 'ünï', 'repeat/1'];
      const stored: Record<string, unknown>[] = [];
      const unsubscribe = h.subscribe((o) => stored.push(o.stored));
      const bodies: string[] = [];
      for (const ua of uas) bodies.push(await get('/fps', { 'user-agent': ua }));
      bodies.push(await get('/fps'));
      for (const b of bodies) expect(b).toBe(JSON.stringify(JSON.parse(b), null, 2) + '\n');
      const answers = bodies.map((b) => JSON.parse(b));
      expect(answers.map((a) => a['user-agent'])).toEqual([...uas, null]);
      expect(answers.map((a) => a.num_fingerprints)).toEqual([1, 2, 3, 4, 5, 6, 7]);
      expect(new Set(answers.map((a) => a.ja4)).size).toBe(1);
      // The answer's keys as the seed API and docs/listener.md list them.
      expect(Object.keys(answers[0])).toEqual(['num_fingerprints', 'sha3_384', 'tls_fp', 'user-agent', 'utc_now', 'timestamp', 'ja3', 'ja4', 'ja4h', 'akamai', 'client', 'user_agent_check', 'bot_score', 'bot_reasons']);
      const all = JSON.parse(await get('/fps?all=1'));
      expect(all.slice(0, 7).map((x: Record<string, unknown>) => x['user-agent'])).toEqual([...uas, null]);
      await h.store.settle();
      const lines = readFileSync(h.store.path, 'utf8').trim().split('\n');
      expect(lines.length).toBe(h.store.made);
      for (const l of lines) expect(l).toBe(JSON.stringify(JSON.parse(l)));
      // Each line is the text of the observation the listener handed to its subscribers.
      unsubscribe();
      expect(stored.length).toBe(uas.length + 2); // and the request without a User-Agent, and /fps?all=1
      for (const o of stored) expect(lines.find((l) => JSON.parse(l).id === o.id)).toBe(JSON.stringify(o));
      const first = JSON.parse(lines[0]!);
      expect(Object.keys(first)).toEqual(['id', 'ip', 'port', 'time_ms', 'tls_server_name', 'ja3', 'ja3_full', 'ja3n', 'ja4', 'ja4_r', 'ja4_o', 'ja4_ro', 'tls_fp', 'sha3_384', 'ja4h', 'ja4h_r', 'ja4h_ro', 'akamai', 'tls_version', 'cipher_suite', 'alpn', 'http_protocol', 'rtt_ms', 'user_agent', 'method', 'path', 'hello_hex']);
      // What is kept per shape equals what the logged hello gives when computed.
      const f = facts(new Uint8Array(Buffer.from(first.hello_hex, 'hex')));
      expect({ ja3: first.ja3, ja3_full: first.ja3_full, ja3n: first.ja3n, ja4: first.ja4, ja4_r: first.ja4_r, ja4_o: first.ja4_o, ja4_ro: first.ja4_ro, tls_fp: first.tls_fp, sha3_384: first.sha3_384, tls_server_name: first.tls_server_name })
        .toEqual({ ja3: f.fp.ja3, ja3_full: f.fp.ja3_full, ja3n: f.fp.ja3n, ja4: f.fp.ja4, ja4_r: f.fp.ja4_r, ja4_o: f.fp.ja4_o, ja4_ro: f.fp.ja4_ro, tls_fp: f.fp.tls_fp, sha3_384: f.fp.sha3_384, tls_server_name: f.serverName });
      expect(answers[0].ja4).toBe(f.fp.ja4);
    });
  });
});
