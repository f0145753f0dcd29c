// HPACK against hpack.js (as the oracle) and RFC 7541's examples; the HTTP/2 client stream on the
// bytes a real client (Node's http2) sends; Akamai from that preface.
import net from 'node:net';
import http2 from 'node:http2';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
// @ts-expect-error hpack.js has no types
import hpackjs from 'hpack.js';
import { computeAkamai } from '../../../core/fingerprint/akamai.js';
import { Http2ClientStream } from '../../../core/http/http2/client-stream.js';
import { HpackDecoder, HpackError, huffmanDecode } from '../../../core/http/http2/hpack.js';

const hex = (s: string) => new Uint8Array(Buffer.from(s.replace(/\s+/g, ''), 'hex'));

describe('HPACK decoder', () => {
  it('RFC 7541 C.4: requests with Huffman coding, dynamic table carried across blocks', () => {
    const d = new HpackDecoder();
    const f1 = d.decode(hex('8286 8441 8cf1 e3c2 e5f2 3a6b a0ab 90f4 ff'));
    expect(f1.map((f) => [f.name, f.value])).toEqual([[':method', 'GET'], [':scheme', 'http'], [':path', '/'], [':authority', 'www.example.com']]);
    const f2 = d.decode(hex('8286 84be 5886 a8eb 1064 9cbf'));
    expect(f2.map((f) => [f.name, f.value])).toEqual([[':method', 'GET'], [':scheme', 'http'], [':path', '/'], [':authority', 'www.example.com'], ['cache-control', 'no-cache']]);
    const f3 = d.decode(hex('8287 85bf 4088 25a8 49e9 5ba9 7d7f 8925 a849 e95b b8e8 b4bf'));
    expect(f3.map((f) => [f.name, f.value])).toEqual([[':method', 'GET'], [':scheme', 'https'], [':path', '/index.html'], [':authority', 'www.example.com'], ['custom-key', 'custom-value']]);
  });

  it('decodes whatever hpack.js encodes (random header lists, Huffman on and off, shared table)', () => {
    fc.assert(fc.property(fc.array(fc.array(fc.tuple(fc.stringMatching(/^[a-z][a-z0-9-]{0,15}$/), fc.string({ maxLength: 40 }).map((s) => s.replace(/[^\x20-\x7e]/g, 'x'))), { minLength: 1, maxLength: 8 }), { minLength: 1, maxLength: 4 }), fc.boolean(), (blocks, huffman) => {
      const comp = hpackjs.compressor.create({ table: { size: 4096 } });
      const d = new HpackDecoder();
      for (const headers of blocks) {
        comp.write(headers.map(([name, value]) => ({ name, value, huffman })));
        const chunks: Buffer[] = [];
        let c;
        while ((c = comp.read())) chunks.push(c);
        const got = d.decode(new Uint8Array(Buffer.concat(chunks)));
        expect(got.map((f) => [f.name, f.value])).toEqual(headers);
      }
    }), { numRuns: 200 });
  });

  it('malformed blocks raise HpackError with an offset, never anything else', () => {
    expect(() => huffmanDecode(hex('ff ff ff ff'))).toThrow(HpackError);
    fc.assert(fc.property(fc.uint8Array({ maxLength: 200 }), (b) => {
      try { new HpackDecoder().decode(b); } catch (e) { if (!(e instanceof HpackError)) throw e; }
    }), { numRuns: 1000 });
  });
});

describe('HTTP/2 client stream and Akamai, on the bytes Node\'s http2 client sends', () => {
  it('a request body: DATA frames up to END_STREAM, padding removed; trailers end the stream and are not a second request', async () => {
    const got: Buffer[] = [];
    const server = net.createServer((s) => { s.on('data', (d) => got.push(d)); setTimeout(() => s.destroy(), 400); });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const port = (server.address() as net.AddressInfo).port;
    const client = http2.connect(`http://127.0.0.1:${port}`, { paddingStrategy: http2.constants.PADDING_STRATEGY_MAX });
    client.on('error', () => {});
    const req = client.request({ ':method': 'POST', ':path': '/v1/tls/fingerprint' }, { waitForTrailers: true });
    req.on('error', () => {});
    req.on('wantTrailers', () => req.sendTrailers({ 'x-trailer': '1' }));
    req.write('{"a"');
    setTimeout(() => req.end(':1}'), 50);
    await new Promise((r) => setTimeout(r, 300));
    client.destroy();
    server.close();
    const all = new Uint8Array(Buffer.concat(got));
    // Byte by byte, and all at once: the same requests and body.
    for (const pieces of [[all], Array.from(all, (b) => new Uint8Array([b]))]) {
      const h = new Http2ClientStream();
      let ended = false;
      for (const p of pieces) { h.push(p); if (h.bodyOf(1)?.ended) ended = true; }
      expect(h.problems).toEqual([]);
      expect(h.frames.some((f) => f.type === 0 && (f.flags & 0x8) !== 0), 'padded DATA frames').toBe(true);
      expect(h.requests.map((r) => r.method)).toEqual(['POST']);
      const body = h.bodyOf(1)!;
      expect(ended && body.ended).toBe(true);
      expect(Buffer.from(body.bytes).toString()).toBe('{"a":1}');
      expect(h.bodyOf(3)).toBeUndefined();
    }
    // Until END_STREAM the body is not ended.
    const cut = new Http2ClientStream();
    const dataAt = Buffer.from(all).indexOf(Buffer.from('{"a"'));
    cut.push(all.subarray(0, dataAt + 4));
    expect(cut.bodyOf(1)?.ended).toBe(false);
  });

  it('reads the preface, SETTINGS, WINDOW_UPDATE and the request headers in order', async () => {
    const got: Buffer[] = [];
    const server = net.createServer((s) => { s.on('data', (d) => got.push(d)); setTimeout(() => s.destroy(), 300); });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const port = (server.address() as net.AddressInfo).port;
    const client = http2.connect(`http://127.0.0.1:${port}`, { settings: { headerTableSize: 65536, enablePush: false, initialWindowSize: 6291456, maxHeaderListSize: 262144 } });
    client.on('error', () => {});
    const req = client.request({ ':method': 'GET', ':path': '/x?y=1', 'user-agent': 'node-test', cookie: 'a=1', accept: '*/*' });
    req.on('error', () => {});
    req.end();
    await new Promise((r) => setTimeout(r, 500));
    client.destroy();
    server.close();
    const s = new Http2ClientStream();
    const all = new Uint8Array(Buffer.concat(got));
    // Feed in odd pieces: the parser must not depend on read boundaries.
    for (let i = 0; i < all.length; i += 7) s.push(all.subarray(i, i + 7));
    expect(s.problems).toEqual([]);
    expect(s.requests).toHaveLength(1);
    const r = s.requests[0]!;
    expect(r.method).toBe('GET');
    expect(r.target).toBe('/x?y=1');
    expect(r.headers.filter((h) => !h.name.startsWith(':')).map((h) => [h.name, h.value])).toEqual([['user-agent', 'node-test'], ['cookie', 'a=1'], ['accept', '*/*']]);
    const p = s.preface!;
    expect(new Map(p.settings).get(1)).toBe(65536);
    expect(new Map(p.settings).get(2)).toBe(0);
    expect(new Map(p.settings).get(4)).toBe(6291456);
    expect(new Map(p.settings).get(6)).toBe(262144);
    const a = computeAkamai(p);
    const pseudo = r.headers.filter((h) => h.name.startsWith(':')).map((h) => h.name[1]).join(',');
    expect(a.akamai).toBe(`${p.settings.map(([k, v]) => `${k}:${v}`).join(';')}|${p.windowUpdate}|0|${pseudo}`);
    expect(a.akamai_hash).toMatch(/^[0-9a-f]{32}$/);
    expect(p.frames[0]).toBe('SETTINGS');
  });

  it('arbitrary bytes after a valid preface never throw or hang', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 400 }), (b) => {
      const s = new Http2ClientStream();
      s.push(new TextEncoder().encode('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n'));
      s.push(b);
    }), { numRuns: 1000 });
  });
  it('gives the same frames and requests however the bytes are cut, a byte at a time too (HEADERS continued in CONTINUATION frames)', () => {
    const frame = (type: number, flags: number, stream: number, payload: Uint8Array) => {
      const h = Buffer.alloc(9);
      h.writeUIntBE(payload.length, 0, 3); h[3] = type; h[4] = flags; h.writeUInt32BE(stream, 5);
      return Buffer.concat([h, payload]);
    };
    const comp = hpackjs.compressor.create({ table: { size: 4096 } });
    const block = (headers: [string, string][]) => {
      comp.write(headers.map(([name, value]) => ({ name, value, huffman: false })));
      const out: Buffer[] = [];
      let c;
      while ((c = comp.read())) out.push(c);
      return Buffer.concat(out);
    };
    const b1 = block([[':method', 'GET'], [':path', '/one'], [':scheme', 'https'], [':authority', 'localhost'], ['x-long', 'v'.repeat(3000)], ['user-agent', 'cut/1']]);
    const b3 = block([[':method', 'POST'], [':path', '/two'], [':scheme', 'https'], [':authority', 'localhost'], ['user-agent', 'cut/1']]);
    const stream = Buffer.concat([
      Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', 'latin1'),
      frame(4, 0, 0, Buffer.from([0, 1, 0, 1, 0, 0, 0, 4, 0, 0x60, 0, 0])), frame(8, 0, 0, Buffer.from([0, 0xef, 0, 1])),
      // Stream 1: HEADERS without END_HEADERS, then two CONTINUATIONs; stream 3 in one HEADERS.
      frame(1, 0x1, 1, b1.subarray(0, 1000)), frame(9, 0, 1, b1.subarray(1000, 2500)), frame(9, 0x4, 1, b1.subarray(2500)),
      frame(1, 0x5, 3, b3),
    ]);
    const read = (cuts: (at: number) => number) => {
      const s = new Http2ClientStream();
      for (let at = 0; at < stream.length;) { const n = Math.min(stream.length - at, cuts(at)); s.push(new Uint8Array(stream.subarray(at, at + n))); at += n; }
      return { requests: s.requests, frames: s.frames, preface: s.preface, problems: s.problems };
    };
    const whole = read(() => stream.length);
    expect(whole.problems).toEqual([]);
    expect(whole.requests.map((r) => [r.method, r.target, r.headers.find((h) => h.name === 'x-long')?.value.length ?? 0])).toEqual([['GET', '/one', 3000], ['POST', '/two', 0]]);
    expect(read(() => 1)).toEqual(whole);
    let x = 12345;
    expect(read(() => { x = (x * 1103515245 + 12345) % 2147483648; return 1 + (x % 700); })).toEqual(whole);
  });
});

describe('HTTP/2 client stream: what a server that stays open owes the client', () => {
  const frame = (type: number, flags: number, stream: number, payload: number[] | Buffer): Buffer => {
    const p = Buffer.from(payload);
    const h = Buffer.alloc(9);
    h.writeUIntBE(p.length, 0, 3); h[3] = type; h[4] = flags; h.writeUInt32BE(stream, 5);
    return Buffer.concat([h, p]);
  };
  it('counts DATA bytes with their padding, the SETTINGS and PINGs to ACK (not ACKs), and the streams reset', () => {
    const s = new Http2ClientStream();
    s.push(new Uint8Array(Buffer.concat([
      Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', 'latin1'),
      frame(4, 0, 0, []), frame(4, 1, 0, []),
      // POST /x on stream 1 (indexed :method POST, :scheme https, literal :path).
      frame(1, 0x4, 1, [0x83, 0x87, 0x44, 2, 0x2f, 0x78]),
      // DATA: 3 bytes, then 2 bytes with a pad length byte and 4 bytes of padding (7 in all).
      frame(0, 0, 1, [1, 2, 3]), frame(0, 0x8, 1, [4, 9, 9, 0, 0, 0, 0]),
      frame(6, 0, 0, [1, 2, 3, 4, 5, 6, 7, 8]), frame(6, 1, 0, [8, 7, 6, 5, 4, 3, 2, 1]),
      frame(3, 0, 1, [0, 0, 0, 8]), frame(4, 0, 0, [0, 4, 0, 1, 0, 0]),
    ])));
    expect(s.problems).toEqual([]);
    expect(s.dataReceived).toBe(3 + 7);
    expect(s.bodyOf(1)!.bytes).toEqual(new Uint8Array([1, 2, 3, 9, 9]));
    expect(s.settingsFrames).toBe(2);
    expect(s.pings.map((p) => [...p])).toEqual([[1, 2, 3, 4, 5, 6, 7, 8]]);
    expect([...s.resets]).toEqual([1]);
  });
});
