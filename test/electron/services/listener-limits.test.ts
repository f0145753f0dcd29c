// The listener's limits against clients that hold connections or send what HTTP/2 forbids: an
// answered connection the client keeps open is closed after the timeout (so held connections
// cannot fill the connection cap), HTTP/2 requests over a limit get the same JSON errors as
// HTTP/1 (431, 413, 400), connection errors a GOAWAY saying why, an HTTP/2 connection's requests
// each answered on their streams up to a limit; and the smaller options:
// --window-mb, loopback detection, the log read back across a rotation.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import http2 from 'node:http2';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import tls from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isEveryAddress, isLoopback, plainHint, startListener, type ListenerHandle } from '../../../electron/services/listener/index.js';
import { ObservationStore } from '../../../electron/services/listener/store.js';
import { CLI } from '../../helpers/paths.js';

const tmp = mkdtempSync(join(tmpdir(), 'hs-listener-limits-'));
const PREFACE = Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', 'latin1');
const frame = (type: number, flags: number, stream: number, payload: Buffer): Buffer => {
  const h = Buffer.alloc(9);
  h.writeUIntBE(payload.length, 0, 3); h[3] = type; h[4] = flags; h.writeUInt32BE(stream, 5);
  return Buffer.concat([h, payload]);
};
/** HPACK literal without indexing, new name (RFC 7541 6.2.2). */
const lit = (name: string, value: string): Buffer => Buffer.concat([Buffer.from([0x00, name.length]), Buffer.from(name), Buffer.from([value.length]), Buffer.from(value)]);

describe('listener limits', () => {
  let h: ListenerHandle;
  beforeAll(async () => { h = await startListener({ host: '127.0.0.1', port: 0, dataDir: join(tmp, 'data'), requestTimeoutMs: 400, maxConnections: 3 }); });
  afterAll(async () => { await h?.stop(); });

  /** Opens TLS with `alpn`, writes `bytes`, and resolves with what came back and whether the listener ended the connection (never closing our side). */
  const hold = (bytes: Buffer, alpn: string[], waitMs: number) => new Promise<{ data: Buffer; closedAfterMs: number | null }>((res, rej) => {
    const t0 = Date.now();
    const chunks: Buffer[] = [];
    let closed: number | null = null;
    const s = tls.connect({ host: '127.0.0.1', port: h.port, rejectUnauthorized: false, ALPNProtocols: alpn }, () => s.write(bytes));
    // The listener's FIN is not answered: this side stays open, as a client that never closes.
    s.end = (() => s) as typeof s.end;
    s.on('data', (d) => chunks.push(d));
    s.on('close', () => { closed ??= Date.now() - t0; });
    s.on('error', () => { closed ??= Date.now() - t0; });
    setTimeout(() => { res({ data: Buffer.concat(chunks), closedAfterMs: closed }); s.destroy(); }, waitMs);
    s.on('error', rej);
  });

  it('lets an answered connection go after the timeout when the client keeps it open: held connections do not lock others out', async () => {
    // Three (the cap) answered clients that never close their side...
    const held = [1, 2, 3].map(() => hold(Buffer.from('GET /fps HTTP/1.1\r\nHost: x\r\n\r\n'), ['http/1.1'], 2500));
    // ...and after the timeout (400 ms) a fourth, which node:net would refuse at the cap.
    await new Promise((r) => setTimeout(r, 900));
    const fourth = await hold(Buffer.from('GET /fps HTTP/1.1\r\nHost: x\r\n\r\n'), ['http/1.1'], 800);
    expect(fourth.data.toString('latin1')).toMatch(/^HTTP\/1.1 200 /);
    for (const x of await Promise.all(held)) expect(x.data.toString('latin1')).toMatch(/^HTTP\/1.1 200 /);
  });

  const h2 = (headers: http2.OutgoingHttpHeaders, body?: Buffer) => new Promise<{ status: number; body: string }>((res, rej) => {
    const c = http2.connect(`https://127.0.0.1:${h.port}`, { rejectUnauthorized: false });
    c.on('error', rej);
    const r = c.request(headers, { endStream: !body });
    let status = 0, text = '';
    r.on('response', (x) => (status = Number(x[':status'])));
    r.on('data', (d) => (text += d));
    r.on('end', () => { c.close(); res({ status, body: text }); });
    r.on('error', (e) => { c.destroy(); rej(e); });
    if (body) r.end(body);
  });

  it('HTTP/2: headers over the limit get a JSON 431, a body over 65,535 bytes a 413, one under it is read, as over HTTP/1', async () => {
    // A header block of 70 KB in HEADERS and CONTINUATION frames, sent raw (curl's and Node's
    // HTTP/2 stacks refuse to send one over 64 KiB).
    const int7 = (n: number): Buffer => { const out = [0x7f]; n -= 127; while (n >= 128) { out.push((n & 0x7f) | 0x80); n >>= 7; } out.push(n); return Buffer.from(out); };
    const block = Buffer.concat([Buffer.from([0x82, 0x87, 0x84, 0x00, 5]), Buffer.from('x-big'), int7(70000), Buffer.alloc(70000, 0x61)]);
    const parts: Buffer[] = [];
    for (let i = 0; i < block.length; i += 16384) parts.push(block.subarray(i, i + 16384));
    const frames = parts.map((p, i) => frame(i === 0 ? 1 : 9, (i === 0 ? 0x1 : 0) | (i === parts.length - 1 ? 0x4 : 0), 1, p));
    const big = await hold(Buffer.concat([PREFACE, frame(4, 0, 0, Buffer.alloc(0)), ...frames]), ['h2'], 1500);
    expect(big.data.includes(Buffer.from([0x08, 0x03, ...Buffer.from('431')]))).toBe(true);
    expect(big.data.toString('latin1')).toMatch(/request headers exceed 65536 bytes/);
    const tooLong = await h2({ ':method': 'POST', ':path': '/v1/tls/fingerprint', 'content-type': 'application/json' }, Buffer.from(`{"x":"${'a'.repeat(70000)}"}`));
    expect(tooLong.status).toBe(413);
    expect(JSON.parse(tooLong.body).error).toMatch(/65535 bytes/);
    const ok = await h2({ ':method': 'POST', ':path': '/v1/tls/fingerprint', 'content-type': 'application/json' }, Buffer.from(`{${' '.repeat(65000)}}`));
    expect(ok.status).toBe(200);
    expect(JSON.parse(ok.body).ja4).toMatch(/^t13/);
  });

  it('HTTP/2: 200 headers besides the pseudo-headers are within the limit, as over HTTP/1', async () => {
    const headers: http2.OutgoingHttpHeaders = { ':method': 'GET', ':path': '/fps' };
    for (let i = 0; i < 199; i++) headers[`x-h${i}`] = 'v';
    expect((await h2(headers)).status).toBe(200);
    headers['x-h199'] = 'v';
    headers['x-h200'] = 'v';
    expect((await h2(headers)).status).toBe(431);
  });

  it('HTTP/2: a request without :path gets a 400; bad HPACK a GOAWAY (COMPRESSION_ERROR) saying why; HTTP/1 on an h2 connection an HTTP/1 400', async () => {
    const settings = frame(4, 0, 0, Buffer.alloc(0));
    const noPath = await hold(Buffer.concat([PREFACE, settings, frame(1, 0x5, 1, Buffer.concat([Buffer.from([0x82, 0x87]), lit(':authority', 'x')]))]), ['h2'], 1500);
    // :status 400 as the listener encodes it: a literal of static entry 8.
    expect(noPath.data.includes(Buffer.from([0x08, 0x03, ...Buffer.from('400')]))).toBe(true);
    expect(noPath.data.toString('latin1')).toMatch(/without :path/);
    const garbage = await hold(Buffer.concat([PREFACE, settings, frame(1, 0x5, 1, Buffer.from([0xff, 0xff, 0xff, 0xff, 0xff, 0xff]))]), ['h2'], 1500);
    const at = garbage.data.indexOf(Buffer.from([0x07, 0x00, 0x00, 0x00, 0x00, 0x00]), 0);
    expect(at).toBeGreaterThan(0);
    // GOAWAY payload: last stream (4 bytes), error code 9, then the reason.
    expect(garbage.data.readUInt32BE(at + 10)).toBe(9);
    expect(garbage.data.subarray(at + 14).toString('latin1')).toMatch(/HTTP\/2: /);
    const h1 = await hold(Buffer.from('GET /fps HTTP/1.1\r\nHost: x\r\n\r\n'), ['h2'], 1500);
    expect(h1.data.toString('latin1')).toMatch(/^HTTP\/1.1 400 /);
    expect(h1.data.toString('latin1')).toMatch(/negotiated HTTP\/2/);
  });

  /** Requests on one HTTP/2 session (one connection); `goaway`: the last stream id of the listener's GOAWAY, and when it came. */
  const session = () => {
    const c = http2.connect(`https://127.0.0.1:${h.port}`, { rejectUnauthorized: false });
    c.on('error', () => {});
    const t0 = Date.now();
    const goaway = new Promise<{ last: number; afterMs: number }>((r) => c.on('goaway', (_code, last) => r({ last, afterMs: Date.now() - t0 })));
    const request = (headers: http2.OutgoingHttpHeaders, body?: Buffer) => new Promise<{ status: number; body: string }>((res, rej) => {
      const r = c.request(headers, { endStream: !body });
      let status = 0, text = '';
      r.on('response', (x) => (status = Number(x[':status'])));
      r.on('data', (d) => (text += d));
      r.on('end', () => res({ status, body: text }));
      r.on('error', rej);
      if (body) r.end(body);
    });
    return { c, goaway, request };
  };

  it('HTTP/2: every request of a connection is answered on its own stream, each an observation; GOAWAY once the connection is idle for the request timeout', async () => {
    const before = h.store.made;
    const { c, goaway, request } = session();
    // Three at once (one with a body), then a fourth after their answers.
    const [fps, stats, post] = await Promise.all([request({ ':path': '/fps', 'user-agent': 'one' }), request({ ':path': '/stats' }), request({ ':method': 'POST', ':path': '/v1/tls/fingerprint' }, Buffer.from('{}'))]);
    const missing = await request({ ':path': '/nope' });
    expect([fps.status, stats.status, post.status, missing.status]).toEqual([200, 200, 200, 404]);
    expect(JSON.parse(fps.body)['user-agent']).toBe('one');
    expect(JSON.parse(fps.body).ja4h.slice(0, 4)).toBe('ge20');
    expect(JSON.parse(post.body).http_protocol).toBe('HTTP/2');
    expect(JSON.parse(stats.body).connections).toBeGreaterThan(0);
    expect(h.store.made).toBe(before + 4);
    const mine = h.store.byIp('127.0.0.1').slice(-4);
    // One connection: one client port, one hello, the paths in the order asked.
    expect(new Set(mine.map((x) => x.port)).size).toBe(1);
    expect(new Set(mine.map((x) => x.ja4)).size).toBe(1);
    expect(mine.map((x) => x.path).sort()).toEqual(['/fps', '/nope', '/stats', '/v1/tls/fingerprint']);
    // Streams 1, 3, 5 and 7 were answered; the listener lets the idle connection go after 400 ms.
    const g = await goaway;
    expect(g.last).toBe(7);
    expect(g.afterMs).toBeGreaterThanOrEqual(350);
    c.close();
  });

  it('HTTP/2: request bodies on one connection are not limited to its first window together (the connection window is given back)', async () => {
    const { c, request } = session();
    for (let i = 0; i < 3; i++) {
      const r = await request({ ':method': 'POST', ':path': '/v1/tls/fingerprint', 'content-type': 'application/json' }, Buffer.from(`{${' '.repeat(40_000)}}`));
      expect(r.status, `POST ${i + 1}`).toBe(200);
    }
    c.close();
  });

  it('HTTP/2: uploads sent side by side on one connection are all read (each within its own window)', async () => {
    const { c, request } = session();
    const all = await Promise.all(Array.from({ length: 6 }, () => request({ ':method': 'POST', ':path': '/v1/tls/fingerprint', 'content-type': 'application/json' }, Buffer.from(`{${' '.repeat(60_000)}}`))));
    expect(all.map((r) => r.status)).toEqual([200, 200, 200, 200, 200, 200]);
    c.close();
  });

  it('HTTP/2: a client that only sends PINGs after its request is let go (GOAWAY ENHANCE_YOUR_CALM)', async () => {
    const settings = frame(4, 0, 0, Buffer.alloc(0));
    const get = frame(1, 0x5, 1, Buffer.concat([Buffer.from([0x82, 0x87]), lit(':path', '/fps'), lit(':authority', 'x')]));
    const pings = Buffer.concat(Array.from({ length: 150 }, (_, i) => frame(6, 0, 0, Buffer.alloc(8, i))));
    // The PINGs a little after the request (read in a later chunk than it).
    const r = await new Promise<{ data: Buffer }>((res, rej) => {
      const chunks: Buffer[] = [];
      const s = tls.connect({ host: '127.0.0.1', port: h.port, rejectUnauthorized: false, ALPNProtocols: ['h2'] }, () => {
        s.write(Buffer.concat([PREFACE, settings, get]));
        setTimeout(() => s.write(pings), 100);
      });
      s.on('data', (d) => chunks.push(d));
      s.on('error', rej);
      setTimeout(() => { res({ data: Buffer.concat(chunks) }); s.destroy(); }, 350);
    });
    // GOAWAY (type 7) naming stream 1, code 11.
    const at = r.data.indexOf(Buffer.from([0x07, 0x00, 0x00, 0x00, 0x00, 0x00]));
    expect(at).toBeGreaterThan(0);
    expect([r.data.readUInt32BE(at + 6), r.data.readUInt32BE(at + 10)]).toEqual([1, 11]);
    expect(r.data.subarray(at + 14).toString('latin1')).toMatch(/more than 100 PINGs/);
    // The answer to stream 1 came before it, and PING ACKs (type 6, flag 1) for those read.
    expect(r.data.includes(Buffer.from([0x01, 0x04, 0x00, 0x00, 0x00, 0x01, 0x08, 0x03, ...Buffer.from('200')]))).toBe(true);
    expect(r.data.includes(Buffer.from([0x00, 0x00, 0x08, 0x06, 0x01, 0x00, 0x00, 0x00, 0x00, 7, 7, 7, 7, 7, 7, 7, 7]))).toBe(true);
  });

  it('HTTP/2: requests waiting behind a body that never ends are each an observation when the connection ends', async () => {
    const before = h.store.made;
    const settings = frame(4, 0, 0, Buffer.alloc(0));
    const get = (id: number) => frame(1, 0x5, id, Buffer.concat([Buffer.from([0x82, 0x87]), lit(':path', '/fps'), lit(':authority', 'x')]));
    const post = frame(1, 0x4, 3, Buffer.concat([Buffer.from([0x83, 0x87]), lit(':path', '/v1/tls/fingerprint'), lit(':authority', 'x')]));
    // GET 1 answered; POST 3 whose body never ends; GET 5 and 7 behind it; the client closes.
    await hold(Buffer.concat([PREFACE, settings, get(1), post, frame(0, 0, 3, Buffer.from('{')), get(5), get(7)]), ['h2'], 200);
    for (let i = 0; i < 50 && h.store.made < before + 4; i++) await new Promise((r) => setTimeout(r, 20));
    const mine = h.store.byIp('127.0.0.1').slice(-(h.store.made - before));
    expect(mine.map((x) => [x.path ?? null, x.incomplete ?? null])).toEqual([['/fps', null], [null, 'request'], [null, 'request'], [null, 'request']]);
    expect(mine.slice(1).map((x) => x.error)).toEqual([
      'the client closed the connection before the body of its request on stream 3 ended',
      'the connection ended while the request on stream 5 waited behind the one on stream 3',
      'the connection ended while the request on stream 7 waited behind the one on stream 3',
    ]);
  });

  it('HTTP/2: frames RFC 9113 forbids get GOAWAY PROTOCOL_ERROR saying which: another frame inside a header block, HEADERS on stream 0 or an even or lower stream, RST_STREAM on a stream never opened', async () => {
    const settings = frame(4, 0, 0, Buffer.alloc(0));
    const block = Buffer.concat([Buffer.from([0x82, 0x87]), lit(':path', '/fps'), lit(':authority', 'x')]);
    const cases: [Buffer[], RegExp][] = [
      [[frame(1, 0x1, 1, block.subarray(0, 4)), frame(1, 0x5, 3, block)], /inside the header block of stream 1/],
      [[frame(1, 0x5, 0, block)], /stream 0 is the connection/],
      [[frame(1, 0x5, 2, block)], /odd-numbered/],
      [[frame(1, 0x5, 5, block), frame(1, 0x5, 3, block)], /not above stream 5/],
      [[frame(3, 0, 9, Buffer.from([0, 0, 0, 8]))], /never opened/],
    ];
    const before = h.store.made;
    for (const [frames, why] of cases) {
      const r = await hold(Buffer.concat([PREFACE, settings, ...frames]), ['h2'], 300);
      const at = r.data.indexOf(Buffer.from([0x07, 0x00, 0x00, 0x00, 0x00, 0x00]));
      expect(at, String(why)).toBeGreaterThan(0);
      expect(r.data.readUInt32BE(at + 10), String(why)).toBe(1);
      expect(r.data.subarray(at + 14).toString('latin1')).toMatch(why);
    }
    // Each connection is an observation, with the error as its reason.
    for (let i = 0; i < 50 && h.store.made < before + cases.length; i++) await new Promise((r) => setTimeout(r, 20));
    const mine = h.store.byIp('127.0.0.1').slice(-cases.length);
    expect(mine.map((x) => String(x.error).startsWith('HTTP/2: '))).toEqual(cases.map(() => true));
  });

  it('HTTP/2: the padding of a body\'s DATA is given back to its stream, so a padded body can use its whole window', async () => {
    const settings = frame(4, 0, 0, Buffer.alloc(0));
    const post = frame(1, 0x4, 1, Buffer.concat([Buffer.from([0x83, 0x87]), lit(':path', '/v1/tls/fingerprint'), lit(':authority', 'x')]));
    // DATA, PADDED: pad length 200, the body '{', 200 bytes of padding (202 bytes of window used).
    const padded = frame(0, 0x8, 1, Buffer.concat([Buffer.from([200]), Buffer.from('{'), Buffer.alloc(200)]));
    const before = h.store.made;
    const r = await hold(Buffer.concat([PREFACE, settings, post, padded]), ['h2'], 200);
    // (Its observation, a request whose body never ended, is made when the connection closes.)
    for (let i = 0; i < 50 && h.store.made <= before; i++) await new Promise((res) => setTimeout(res, 20));
    // WINDOW_UPDATE (type 8) on stream 1 giving back the 201 bytes of pad length and padding.
    expect(r.data.includes(Buffer.from([0x00, 0x00, 0x04, 0x08, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 201]))).toBe(true);
    // And the connection window for all 202.
    expect(r.data.includes(Buffer.from([0x00, 0x00, 0x04, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 202]))).toBe(true);
  });

  it('HTTP/2: a refused stream is an observation of its own beside the answered ones; PINGs are ACKed', async () => {
    const before = h.store.made;
    const { c, request } = session();
    const many: http2.OutgoingHttpHeaders = { ':path': '/fps' };
    for (let i = 0; i < 210; i++) many[`x-h${i}`] = 'v';
    expect((await request(many)).status).toBe(431);
    const port = c.socket.localPort;
    expect((await request({ ':path': '/fps' })).status).toBe(200);
    const rtt = await new Promise<number>((res, rej) => { if (!c.ping((err, ms) => (err ? rej(err) : res(ms)))) rej(new Error('ping not sent')); });
    expect(rtt).toBeGreaterThanOrEqual(0);
    expect((await request({ ':path': '/stats' })).status).toBe(200);
    c.close();
    await new Promise((r) => setTimeout(r, 100));
    const mine = h.store.byIp('127.0.0.1').slice(-(h.store.made - before)).filter((x) => x.port === port);
    expect(mine.map((x) => [x.path ?? null, x.incomplete ?? null])).toEqual([[null, 'request'], ['/fps', null], ['/stats', null]]);
    expect(mine[0]!.error).toMatch(/request refused with 431: more than 200 headers/);
    expect(new Set(mine.map((x) => x.port)).size).toBe(1);
  });

  it('HTTP/2: a stream the client resets while its body is awaited holds up no later request', async () => {
    const settings = frame(4, 0, 0, Buffer.alloc(0));
    const post = frame(1, 0x4, 1, Buffer.concat([Buffer.from([0x83, 0x87]), lit(':path', '/v1/tls/fingerprint'), lit(':authority', 'x')]));
    const data = frame(0, 0, 1, Buffer.from('{'));
    const reset = frame(3, 0, 1, Buffer.from([0, 0, 0, 8]));
    const get = frame(1, 0x5, 3, Buffer.concat([Buffer.from([0x82, 0x87]), lit(':path', '/fps'), lit(':authority', 'x')]));
    // (Well within the request timeout of 400 ms: the answer may not wait for it.)
    const r = await hold(Buffer.concat([PREFACE, settings, post, data, reset, get]), ['h2'], 250);
    // HEADERS on stream 3 (type 1, flags END_HEADERS, stream 3), its :status 200 first.
    const at = r.data.indexOf(Buffer.from([0x01, 0x04, 0x00, 0x00, 0x00, 0x03, 0x08, 0x03, ...Buffer.from('200')]));
    expect(at).toBeGreaterThan(0);
    // Nothing is answered on the reset stream 1.
    expect(r.data.includes(Buffer.from([0x01, 0x04, 0x00, 0x00, 0x00, 0x01]))).toBe(false);
  });

  it('HTTP/2: at most 100 requests on a connection, then GOAWAY naming the last one answered', async () => {
    const { c, goaway, request } = session();
    const all = await Promise.allSettled(Array.from({ length: 101 }, () => request({ ':path': '/fps' })));
    expect(all.filter((x) => x.status === 'fulfilled' && x.value.status === 200).length).toBe(100);
    expect(all.filter((x) => x.status === 'rejected').length).toBe(1);
    expect((await goaway).last).toBe(199);
    c.close();
  });

  it('/fps?detail=1 also carries ja3n_full', async () => {
    const r = await h2({ ':method': 'GET', ':path': '/fps?detail=1' });
    const j = JSON.parse(r.body);
    expect(j.ja3n_full.split(',').length).toBe(5);
    expect(j.ja3n_full.split(',')[0]).toBe(j.ja3_full.split(',')[0]);
  });
});

describe('listener options', () => {
  it('--window-mb bounds the window /stats considers; a bad value is a usage error', () => {
    const bad = spawnSync(process.execPath, [CLI, 'listen', '--window-mb', 'lots', '--port', '0', '--data-dir', join(tmp, 'w0')], { encoding: 'utf8', timeout: 10000 });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/--window-mb/);
    expect(spawnSync(process.execPath, [CLI, 'listen', '--help'], { encoding: 'utf8' }).stdout).toMatch(/--window-mb/);
  });

  it('--window-mb reaches the listener: a window of 0.01 MB holds only the latest few records', async () => {
    const dir = join(tmp, 'w1');
    const { spawn } = await import('node:child_process');
    const p = spawn(process.execPath, [CLI, 'listen', '--window-mb', '0.01', '--port', '0', '--data-dir', dir], { stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      const port = await new Promise<number>((res, rej) => {
        let out = '';
        p.stdout.on('data', (d) => { out += d; const m = /:(\d+)\//.exec(out); if (m) res(Number(m[1])); });
        p.on('exit', () => rej(new Error(out)));
      });
      const get = (path: string) => new Promise<string>((res, rej) => {
        const s = tls.connect({ host: '127.0.0.1', port, rejectUnauthorized: false, ALPNProtocols: ['http/1.1'] }, () => s.write(`GET ${path} HTTP/1.1\r\nHost: x\r\n\r\n`));
        let b = '';
        s.on('data', (d) => (b += d));
        s.on('close', () => res(b.slice(b.indexOf('\r\n\r\n') + 4)));
        s.on('error', rej);
      });
      for (let i = 0; i < 12; i++) await get('/fps');
      const stats = JSON.parse(await get('/stats'));
      // Each log line is ~2.3 KB: 10,486 bytes hold four or five of the 13 made.
      expect(stats.window_records).toBeGreaterThan(1);
      expect(stats.window_records).toBeLessThan(8);
    } finally {
      p.kill('SIGTERM');
    }
  });

  it('isLoopback: every spelling of ::1 and 127/8 (also mapped into IPv6), nothing else', () => {
    for (const x of ['localhost', '127.0.0.1', '127.1.2.3', '::1', '0:0:0:0:0:0:0:1', '0000::0001', '::ffff:127.0.0.1', '127.1', '2130706433', '0x7f.1']) expect(isLoopback(x), x).toBe(true);
    for (const x of ['10.0.0.1', '0.0.0.0', '::', '127.example.com', '::ffff:10.0.0.1', 'example.com', '::2', '10.1', '167772161']) expect(isLoopback(x), x).toBe(false);
  });

  it('an empty --host is refused (it had bound every address)', async () => {
    await expect(startListener({ host: '', port: 0, dataDir: join(tmp, 'empty-host') })).rejects.toThrow(/--host needs an address/);
  });

  it('the plain-HTTP answer names an address the client can use: the Host it asked for when bound to every address', () => {
    const req = (hostHeader?: string) => new TextEncoder().encode(`GET /fps HTTP/1.1\r\n${hostHeader ? `Host: ${hostHeader}\r\n` : ''}\r\n`);
    expect(plainHint(req('192.168.1.20:8443'), '0.0.0.0')).toBe('192.168.1.20');
    expect(plainHint(req('[fe80::1]:8443'), '::')).toBe('[fe80::1]');
    expect(plainHint(req(), '0.0.0.0')).toBe('127.0.0.1');
    expect(plainHint(req('bad host<script>'), '::')).toBe('[::1]');
    expect(plainHint(req('elsewhere'), '127.0.0.1')).toBe('127.0.0.1');
    expect(plainHint(req(), '::1')).toBe('[::1]');
    // Every-address binds in the other spellings the system reads.
    expect(plainHint(req('10.1.2.3'), '0')).toBe('10.1.2.3');
    expect(plainHint(req('[fe80::2]'), '::0')).toBe('[fe80::2]');
    for (const x of ['0.0.0.0', '0', '::', '::0', '0:0:0:0:0:0:0:0']) expect(isEveryAddress(x), x).toBe(true);
    for (const x of ['127.0.0.1', '::1', '10.0.0.1', 'localhost', '0.0.0.1']) expect(isEveryAddress(x), x).toBe(false);
  });

  it('the log is read back across a rotation: the window keeps the previous generation\'s records, ids go on', async () => {
    const dir = join(tmp, 'rot');
    const s1 = new ObservationStore({ dataDir: dir, rotateBytes: 2000 });
    for (let i = 0; i < 30; i++) s1.add({ ip: '127.0.0.1', port: 1000 + i, time_ms: i, sha3_384: 'x', ja4: 'j', ja3: 'k', user_agent: null, pad: 'p'.repeat(100) });
    s1.flush();
    await s1.close();
    const rotated = readFileSync(join(dir, 'observations.ndjson.1'), 'utf8').trim().split('\n').length;
    expect(rotated).toBeGreaterThan(0);
    const s2 = new ObservationStore({ dataDir: dir, rotateBytes: 2000 });
    expect(s2.window.length).toBe(30);
    const next = s2.add({ ip: '127.0.0.1', port: 1, time_ms: 99, sha3_384: 'x', ja4: 'j', ja3: 'k', user_agent: null });
    expect(next.id).toBe(31);
    await s2.close();
    // Rotated again and restarted with an empty current log: the ids still go on.
    const s3 = new ObservationStore({ dataDir: dir, rotateBytes: 10, windowBytes: 1 });
    const n3 = s3.add({ ip: '127.0.0.1', port: 2, time_ms: 100, sha3_384: 'x', ja4: 'j', ja3: 'k', user_agent: null });
    expect(n3.id).toBe(32);
    await s3.close();
  });
});
