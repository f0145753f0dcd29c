// The TLS echo listener with real clients on 127.0.0.1: the JA3 each client gets back equals
// tshark's JA3 of the same handshake captured on loopback, and the JA4 equals the core's JA4 of
// the captured bytes (the hello tshark saw). Plus storage recovery and limits.
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { appendFileSync, mkdtempSync, readFileSync } from 'node:fs';
import http2 from 'node:http2';
import https from 'node:https';
import net from 'node:net';
import tls from 'node:tls';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fingerprintClientHello } from '../../../core/fingerprint/tls-fingerprints.js';
import { parseTls } from '../../../core/tls/parse-tls.js';
import { ClientVerdicts, startListener, type ListenerHandle, type ListenerObservation } from '../../../electron/services/listener/index.js';
import { assessUserAgent, knownClient } from '../../../core/knowledge/index.js';
import { fileURLToPath } from 'node:url';

const tmp = mkdtempSync(join(tmpdir(), 'hs-listener-'));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const run = (cmd: string, args: string[], input = '') => new Promise<{ code: number | null; out: string }>((res) => {
  const p = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  p.stdout.on('data', (d) => (out += d));
  p.stdin.end(input);
  const t = setTimeout(() => p.kill('SIGKILL'), 20000);
  p.on('close', (code) => { clearTimeout(t); res({ code, out }); });
});

describe('listener with real clients, checked against tshark', () => {
  let h: ListenerHandle;
  let dump: ReturnType<typeof spawn>;
  const pcap = join(tmp, 'lo.pcap');
  const got: Record<string, { ja3: string; ja4: string }> = {};

  beforeAll(async () => {
    h = await startListener({ host: '127.0.0.1', port: 0, dataDir: join(tmp, 'data') });
    dump = spawn('tcpdump', ['-i', 'lo', '-U', '--immediate-mode', '-w', pcap, `tcp port ${h.port}`], { stdio: 'ignore' });
    await sleep(1200);
    const url = `https://127.0.0.1:${h.port}/fps`;
    const parse = (s: string) => JSON.parse(s) as { ja3: string; ja4: string };
    got.curl = parse((await run('curl', ['-sk', '--http1.1', url])).out);
    got.python = parse((await run('python3', ['-c', `import ssl,urllib.request;c=ssl.create_default_context();c.check_hostname=False;c.verify_mode=ssl.CERT_NONE;print(urllib.request.urlopen("${url}",context=c).read().decode())`])).out);
    got.node = parse(await new Promise<string>((res, rej) => https.get(url, { rejectUnauthorized: false }, (r) => { let b = ''; r.on('data', (d) => (b += d)); r.on('end', () => res(b)); }).on('error', rej)));
    const o = await run('openssl', ['s_client', '-connect', `127.0.0.1:${h.port}`, '-quiet'], 'GET /fps HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    got.openssl = parse(o.out.slice(o.out.indexOf('{')));
    const c = await run('chromium', ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', `--user-data-dir=${join(tmp, 'chr')}`, '--ignore-certificate-errors', '--dump-dom', url]);
    const j = c.out.slice(c.out.indexOf('{'), c.out.lastIndexOf('}') + 1).replace(/&quot;/g, '"');
    got.chromium = parse(j);
    await sleep(800);
    dump.kill('SIGTERM');
    await sleep(500);
  }, 90000);
  afterAll(async () => { await h?.stop(); });

  it('every client got its JA3 as tshark computes it, and its JA4 as the core computes it from the captured hello', () => {
    const rows = spawnSync('tshark', ['-r', pcap, '-d', `tcp.port==${h.port},tls`, '-Y', 'tls.handshake.type==1', '-T', 'fields', '-e', 'tls.handshake.ja3', '-e', 'tcp.reassembled.data', '-e', 'tcp.payload'], { encoding: 'utf8' }).stdout.trim().split('\n').map((l) => l.split('\t'));
    const byJa3 = new Map(rows.map(([ja3, reass, payload]) => [ja3!, (reass || payload)!.replace(/:/g, '')]));
    for (const [client, fp] of Object.entries(got)) {
      expect(byJa3.has(fp.ja3), `${client} JA3 ${fp.ja3} seen by tshark`).toBe(true);
      const hello = parseTls(new Uint8Array(Buffer.from(byJa3.get(fp.ja3)!, 'hex')), { tree: false }).clientHello!;
      expect(fingerprintClientHello(hello).ja4, client).toBe(fp.ja4);
    }
    expect(Object.keys(got).sort()).toEqual(['chromium', 'curl', 'node', 'openssl', 'python']);
  });

  it('stores every observation and answers /fps?all=1 with only the caller\'s', async () => {
    await h.store.settle();
    const lines = readFileSync(h.store.path, 'utf8').trim().split('\n');
    expect(lines.length).toBe(h.store.made);
    expect(h.store.byIp('127.0.0.1').length).toBe(h.store.made);
  });
});

describe('listener endpoints, storage and limits', () => {
  let h: ListenerHandle;
  const dataDir = join(tmp, 'limits');
  const warnings: string[] = [];
  beforeAll(async () => { h = await startListener({ port: 0, dataDir, handshakeTimeoutMs: 800, maxHelloBytes: 4096, warn: (m) => warnings.push(m) }); });
  afterAll(async () => { await h?.stop(); });
  const get = (path: string, method = 'GET', ua?: string) => new Promise<{ status: number; body: string }>((res, rej) => {
    const r = https.request({ host: '127.0.0.1', port: h.port, path, method, rejectUnauthorized: false, headers: ua ? { 'user-agent': ua } : {} }, (s) => { let b = ''; s.on('data', (d) => (b += d)); s.on('end', () => res({ status: s.statusCode!, body: b })); });
    r.on('error', rej);
    r.end(method === 'POST' ? '{}' : undefined);
  });

  it('POST /v1/tls/fingerprint: a Chrome User-Agent on a Node handshake scores as a bot, with reasons', async () => {
    const r = await get('/v1/tls/fingerprint', 'POST', 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36');
    const j = JSON.parse(r.body);
    expect(Object.keys(j).slice(0, 9)).toEqual(['tls_version', 'cipher_suite', 'http_protocol', 'tcp_rtt_ms', 'ja3_hash', 'ja4', 'ja4h', 'bot_score', 'verified_bot']);
    expect(j.bot_score).toBeLessThan(30);
    expect(j.verified_bot).toBe(false);
    expect(j.bot_reasons.join(' ')).toMatch(/no GREASE/);
  });
  it('/fps, /fps?all=1, /stats and the POST endpoint all carry the label, the User-Agent verdict and the same bot_score', async () => {
    const chromeUa = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36';
    // A new agent per request: no resumed session (a pre_shared_key extension would make it another hello).
    const get = (path: string, method: string, ua?: string) => new Promise<{ status: number; body: string }>((res, rej) => {
      const r = https.request({ host: '127.0.0.1', port: h.port, path, method, agent: false, rejectUnauthorized: false, headers: ua ? { 'user-agent': ua } : {} }, (s) => { let b = ''; s.on('data', (d) => (b += d)); s.on('end', () => res({ status: s.statusCode!, body: b })); });
      r.on('error', rej);
      r.end(method === 'POST' ? '{}' : undefined);
    });
    const post = JSON.parse((await get('/v1/tls/fingerprint', 'POST', chromeUa)).body);
    const fps = JSON.parse((await get('/fps', 'GET', chromeUa)).body);
    expect(fps.ja4).toBe(post.ja4);
    // Node's https client: the verdict says the User-Agent's Chrome claim does not fit the handshake.
    expect(fps.user_agent_check.consistent).toBe(false);
    expect(post.user_agent_check).toEqual(fps.user_agent_check);
    expect(post.client).toEqual(fps.client);
    expect(fps.client?.label).toMatch(/node/i);
    expect(fps.bot_score).toBe(post.bot_score);
    expect(fps.bot_reasons).toEqual(post.bot_reasons);
    expect(fps.bot_score).toBeLessThan(30);
    const detail = JSON.parse((await get('/fps?detail=1', 'GET', chromeUa)).body);
    expect(detail.bot_score).toBe(post.bot_score);
    const all = JSON.parse((await get('/fps?all=1', 'GET', chromeUa)).body) as Record<string, unknown>[];
    const mine = all.filter((x) => x['user-agent'] === chromeUa);
    expect(mine.length).toBeGreaterThanOrEqual(3);
    for (const x of mine) expect([x.bot_score, x.client, x.user_agent_check]).toEqual([post.bot_score, post.client, post.user_agent_check]);
    const stats = JSON.parse((await get('/stats', 'GET')).body);
    const entry = stats.fingerprints.find((f: { ja4: string }) => f.ja4 === fps.ja4);
    expect(entry.client).toEqual(fps.client);
    const u = entry.user_agents.find((x: { 'user-agent': string }) => x['user-agent'] === chromeUa);
    expect([u.bot_score, u.user_agent_check]).toEqual([post.bot_score, post.user_agent_check]);
  });
  it('GET /stats counts fingerprints with shares and user agents; unknown paths 404 as JSON', async () => {
    await get('/fps', 'GET', 'probe/1');
    const s = JSON.parse((await get('/stats')).body);
    expect(s.connections).toBeGreaterThanOrEqual(2);
    expect(s.fingerprints[0].share).toBeGreaterThan(0);
    expect(s.fingerprints.flatMap((f: { user_agents: { 'user-agent': string }[] }) => f.user_agents.map((u) => u['user-agent']))).toContain('probe/1');
    const nf = await get('/nope');
    expect(nf.status).toBe(404);
    const wrong = await get('/fps', 'POST');
    expect(wrong.status).toBe(405);
    expect(JSON.parse(wrong.body).error).toMatch(/GET/);
    expect(JSON.parse(nf.body).error).toMatch(/no such endpoint/);
  });
  it('GET / is an HTML page explaining the JA4 parts', async () => {
    const r = await get('/');
    expect(r.body).toMatch(/<h2>JA4<\/h2>/);
    expect(r.body).toMatch(/cipher suites offered/);
  });
  it('GET / writes the counts as the JA4 does, stopping at 99 (openssl offering every TLS 1.2 suite it has, PSK ones too)', async () => {
    const suites = spawnSync('openssl', ['ciphers', '-tls1_2', 'ALL:COMPLEMENTOFALL:@SECLEVEL=0'], { encoding: 'utf8' }).stdout.trim().split(':');
    expect(suites.length).toBeGreaterThan(99);
    const o = await run('openssl', ['s_client', '-connect', `127.0.0.1:${h.port}`, '-tls1_2', '-cipher', 'ALL:COMPLEMENTOFALL:@SECLEVEL=0', '-psk', '0011', '-servername', 'localhost', '-quiet', '-ign_eof'], 'GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    const ja4 = /<p class="fp">(t12d99\d\d[0-9a-z]{2}_[0-9a-f]{12}_[0-9a-f]{12})<\/p>/.exec(o.out)?.[1];
    expect(ja4).toBeDefined();
    expect(o.out).toMatch(/<tr><td><code>99<\/code><\/td><td>\d{3} cipher suites offered \(GREASE not counted; the count stops at 99\)/);
    expect(o.out).not.toMatch(/<code>1\d\d<\/code>/);
  });
  it('reads a target as a path even when it starts with //, and refuses one that is neither a path nor a URL', async () => {
    const ask = (target: string) => run('openssl', ['s_client', '-connect', `127.0.0.1:${h.port}`, '-quiet', '-ign_eof'], `GET ${target} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`);
    expect((await ask('//fps')).out).toMatch(/^HTTP\/1\.1 404 /);
    expect((await ask('fps')).out).toMatch(/^HTTP\/1\.1 400 [^]*not a valid request target: fps/);
    const star = (await run('openssl', ['s_client', '-connect', `127.0.0.1:${h.port}`, '-quiet', '-ign_eof'], 'OPTIONS * HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n')).out;
    expect(star).toMatch(/^HTTP\/1\.1 200 [^]*\r\nAllow: GET, HEAD, POST, OPTIONS\r\n/);
    expect(star).toMatch(/"endpoints"/);
    const abs = (await ask(`https://127.0.0.1:${h.port}/fps`)).out;
    expect(abs).toMatch(/^HTTP\/1\.1 200 /);
    expect(abs).toMatch(/"sha3_384"/);
  });
  it('/fps?detail=1 gives the whole JA4H family, ja4h_o (cookies in the order sent) too', async () => {
    const r = await new Promise<string>((res, rej) => {
      const q = https.request({ host: '127.0.0.1', port: h.port, path: '/fps?detail=1', rejectUnauthorized: false, headers: { cookie: 'b=2; a=1' } }, (s) => { let b = ''; s.on('data', (d) => (b += d)); s.on('end', () => res(b)); });
      q.on('error', rej);
      q.end();
    });
    const j = JSON.parse(r);
    const h12 = (x: string) => createHash('sha256').update(x).digest('hex').slice(0, 12);
    const [a, hb] = String(j.ja4h).split('_');
    expect(j.ja4h_o).toBe(`${a}_${hb}_${h12('b,a')}_${h12('b=2,a=1')}`);
    expect(j.ja4h).toBe(`${a}_${hb}_${h12('a,b')}_${h12('a=1,b=2')}`);
  });
  it('HTTP/2 clients are read frame by frame: JA4H version 20 and the Akamai fingerprint of their own SETTINGS', async () => {
    const client = http2.connect(`https://127.0.0.1:${h.port}`, { rejectUnauthorized: false, settings: { headerTableSize: 65536, initialWindowSize: 6291456, enablePush: false } });
    client.on('error', () => {});
    const body = await new Promise<string>((res, rej) => {
      const r = client.request({ ':path': '/fps', 'user-agent': 'h2-test' });
      let b = '';
      r.on('data', (d) => (b += d));
      r.on('end', () => res(b));
      r.on('error', rej);
    });
    client.close();
    const j = JSON.parse(body);
    expect(j.ja4h.slice(0, 4)).toBe('ge20');
    expect(j.akamai.split('|')[0].split(';')).toEqual(expect.arrayContaining(['1:65536', '2:0', '4:6291456']));
    expect(j['user-agent']).toBe('h2-test');
    const curl = JSON.parse((await run('curl', ['-sk', '--http2', `https://127.0.0.1:${h.port}/fps`])).out);
    expect(curl.ja4h.slice(0, 4)).toBe('ge20');
    expect(curl.akamai).toMatch(/^[\d:;]+\|\d+\|[\d:,]+\|[msap](,[msap]){3}$/);
  });

  /** Sends `parts` over TLS (HTTP/1.1), `gapMs` apart, and returns the whole answer. */
  const raw = (parts: string[], gapMs = 0) => new Promise<{ status: number; headers: string; body: string }>((res, rej) => {
    const s = tls.connect({ host: '127.0.0.1', port: h.port, rejectUnauthorized: false, ALPNProtocols: ['http/1.1'] }, async () => {
      for (const [i, p] of parts.entries()) { if (i && gapMs) await sleep(gapMs); s.write(p); }
    });
    let b = '';
    s.on('data', (d) => (b += d));
    s.on('error', rej);
    s.on('close', () => {
      const at = b.indexOf('\r\n\r\n');
      res({ status: Number(b.slice(9, 12)), headers: b.slice(0, at), body: b.slice(at + 4) });
    });
  });
  const post = (body: string, extra = '') => `POST /v1/tls/fingerprint HTTP/1.1\r\nHost: x\r\n${extra}Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;

  it('POST /v1/tls/fingerprint reads its body by Content-Length or chunked, and refuses one that is not a JSON object', async () => {
    for (const body of ['{}', '{"want": "all"}', '', '  {}\n']) {
      const r = await raw([post(body)]);
      expect(r.status, JSON.stringify(body)).toBe(200);
      expect(JSON.parse(r.body).ja4).toMatch(/^t1[23][di]/); // no SNI to an address
    }
    for (const [body, why] of [['not json', /not JSON/], ['[1]', /JSON object.*an array/], ['"x"', /JSON object.*string/], ['{"a":', /not JSON/]] as const) {
      const r = await raw([post(body)]);
      expect(r.status, body).toBe(400);
      expect(JSON.parse(r.body).error, body).toMatch(why);
    }
    // The body after the header section, in a later read: the answer waits for it.
    const late = await raw(['POST /v1/tls/fingerprint HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n', '{}'], 150);
    expect(late.status).toBe(200);
    const lateBad = await raw(['POST /v1/tls/fingerprint HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\n', 'no!'], 150);
    expect(lateBad.status).toBe(400);
    // Chunked, split mid-chunk, with an extension and a trailer.
    const chunked = await raw(['POST /v1/tls/fingerprint HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n1;x=y\r\n{', '\r\n1\r\n}\r\n0\r\nX-T: 1\r\n\r\n'], 100);
    expect(chunked.status).toBe(200);
    const chunkedBad = await raw(['POST /v1/tls/fingerprint HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n']);
    expect(chunkedBad.status).toBe(400);
    expect(JSON.parse(chunkedBad.body).error).toMatch(/not JSON/);
    const notChunk = await raw(['POST /v1/tls/fingerprint HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n']);
    expect(notChunk.status).toBe(400);
    expect(JSON.parse(notChunk.body).error).toMatch(/not a chunk size at body offset 0/);
    const big = await raw(['POST /v1/tls/fingerprint HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n{']);
    expect(big.status).toBe(413);
    const twoLengths = await raw(['POST /v1/tls/fingerprint HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n{}']);
    expect(twoLengths.status).toBe(400);
    expect(JSON.parse(twoLengths.body).error).toMatch(/Content-Length/);
    // curl -d sends a form content type: the body is what counts.
    const curl = await run('curl', ['-sk', '-w', '\n%{http_code}', '-d', '{}', `https://127.0.0.1:${h.port}/v1/tls/fingerprint`]);
    expect(curl.out.trim().split('\n').at(-1)).toBe('200');
    const curlBad = await run('curl', ['-sk', '-w', '\n%{http_code}', '-d', 'a=1', `https://127.0.0.1:${h.port}/v1/tls/fingerprint`]);
    expect(curlBad.out.trim().split('\n').at(-1)).toBe('400');
  });

  it('405 answers name the allowed methods in Allow, over HTTP/1.1 and HTTP/2', async () => {
    const a = await raw([post('{}').replace('POST /v1/tls/fingerprint', 'POST /fps')]);
    expect(a.status).toBe(405);
    expect(a.headers).toMatch(/\r\nAllow: GET, HEAD\r\n/);
    const b = await raw(['GET /v1/tls/fingerprint HTTP/1.1\r\nHost: x\r\n\r\n']);
    expect(b.status).toBe(405);
    expect(b.headers).toMatch(/\r\nAllow: POST\r\n/);
    const client = http2.connect(`https://127.0.0.1:${h.port}`, { rejectUnauthorized: false });
    client.on('error', () => {});
    const h2 = (method: string, path: string, body?: string) => new Promise<{ status: number; allow?: string; body: string }>((res, rej) => {
      const c = http2.connect(`https://127.0.0.1:${h.port}`, { rejectUnauthorized: false });
      c.on('error', () => {});
      const r = c.request({ ':method': method, ':path': path }, { endStream: body === undefined });
      let status = 0, allow: string | undefined, text = '';
      r.on('response', (hd) => { status = Number(hd[':status']); allow = hd.allow as string | undefined; });
      r.on('data', (d) => (text += d));
      r.on('end', () => { c.close(); res({ status, allow, body: text }); });
      r.on('error', rej);
      if (body !== undefined) { r.write(body.slice(0, 1)); setTimeout(() => r.end(body.slice(1)), 100); }
    });
    client.close();
    const c = await h2('GET', '/v1/tls/fingerprint');
    expect(c.status).toBe(405);
    expect(c.allow).toBe('POST');
    // HTTP/2 bodies: DATA frames up to END_STREAM (here in two frames 100 ms apart).
    const ok = await h2('POST', '/v1/tls/fingerprint', '{}');
    expect(ok.status).toBe(200);
    expect(JSON.parse(ok.body).http_protocol).toBe('HTTP/2');
    const bad = await h2('POST', '/v1/tls/fingerprint', 'nope');
    expect(bad.status).toBe(400);
    expect(JSON.parse(bad.body).error).toMatch(/not JSON/);
  });

  it('plain HTTP to the TLS port gets a readable 400', async () => {
    const body = await new Promise<string>((res) => {
      const s = net.connect(h.port, '127.0.0.1', () => s.write('GET /fps HTTP/1.1\r\nHost: x\r\n\r\n'));
      let b = '';
      s.on('data', (d) => (b += d));
      s.on('close', () => res(b));
    });
    expect(body).toMatch(/^HTTP\/1.1 400/);
    expect(body).toMatch(/use https:\/\//);
  });
  it('a silent client (slowloris) is dropped after the handshake timeout, an oversized hello is refused, garbage is closed; the listener keeps serving', async () => {
    const closedAfter = await new Promise<number>((res) => { const t0 = Date.now(); const s = net.connect(h.port, '127.0.0.1'); s.on('close', () => res(Date.now() - t0)); s.on('error', () => {}); });
    expect(closedAfter).toBeGreaterThanOrEqual(700);
    expect(closedAfter).toBeLessThan(5000);
    // A record header announcing a 9000-byte ClientHello.
    const big = Buffer.concat([Buffer.from([0x16, 3, 1, 0x23, 0x2c, 1, 0, 0x23, 0x28]), Buffer.alloc(9000)]);
    await new Promise<void>((res) => { const s = net.connect(h.port, '127.0.0.1', () => s.write(big)); s.on('close', () => res()); s.on('error', () => res()); });
    expect(warnings.some((w) => /exceeds the limit of 4096/.test(w))).toBe(true);
    // Reported to the client's address too: an observation without fingerprints, in /fps?all=1
    // and counted apart in /stats.
    const seen = JSON.parse((await get('/fps?all=1')).body) as { incomplete?: string; error?: string; ja4: unknown }[];
    const refused = seen.filter((x) => x.incomplete === 'hello');
    expect(refused.length).toBe(1);
    expect(refused[0]!.error).toBe('ClientHello of 9004 bytes exceeds the limit of 4096; closed');
    expect(refused[0]!.ja4).toBeNull();
    const stats = JSON.parse((await get('/stats')).body) as { connections: number; not_fingerprinted?: number; fingerprints: { sha3_384: string }[] };
    expect(stats.not_fingerprinted).toBe(1);
    expect(stats.fingerprints.every((f) => f.sha3_384 !== 'null')).toBe(true);
    await new Promise<void>((res) => { const s = net.connect(h.port, '127.0.0.1', () => s.write(Buffer.from([0, 1, 2, 3, 4, 5, 6, 7, 8]))); s.on('close', () => res()); s.on('error', () => res()); });
    expect(warnings.some((w) => /not TLS/.test(w))).toBe(true);
    expect((await get('/fps')).status).toBe(200);
  });
  it('reads its log back on restart and skips a damaged last line with a warning', async () => {
    await h.store.settle();
    const before = h.store.made + 0;
    await h.stop();
    appendFileSync(join(dataDir, 'observations.ndjson'), '{"id": 999, "ip": "127.0.0.1", "trunc');
    const w2: string[] = [];
    h = await startListener({ port: 0, dataDir, warn: (m) => w2.push(m) });
    expect(h.store.all().length).toBe(before);
    expect(w2.join()).toMatch(/damaged and was skipped/);
  });
});

describe('listener log under SIGKILL, subscribers, cached verdicts', () => {
  const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
  const get = (port: number, ua: string) => new Promise<number>((res, rej) => {
    https.get({ host: '127.0.0.1', port, path: '/fps', rejectUnauthorized: false, headers: { 'user-agent': ua } }, (s) => { s.resume(); s.on('end', () => res(s.statusCode!)); }).on('error', rej);
  });

  it('a killed listener process loses nothing that was answered more than one flush period before the kill', async () => {
    const dataDir = join(tmp, 'killed');
    // The built listener (npm test builds dist/ first) in its own process, killed with SIGKILL.
    const child = spawn(process.execPath, ['--input-type=module', '-e', `import { startListener } from ${JSON.stringify(join(ROOT, 'dist/services/listener.mjs'))}; const h = await startListener({ host: '127.0.0.1', port: 0, dataDir: ${JSON.stringify(dataDir)} }); process.stdout.write(h.port + '\\n');`], { stdio: ['ignore', 'pipe', 'inherit'] });
    const port = Number(await new Promise<string>((res) => child.stdout!.once('data', (d) => res(String(d).trim()))));
    const n = 60;
    // Several flush batches: answered in waves, the last wave 600 ms (three 200 ms flush periods) before the kill.
    for (let wave = 0; wave < 3; wave++) {
      const codes = await Promise.all(Array.from({ length: n / 3 }, (_, i) => get(port, `killed/${wave}-${i}`)));
      expect(codes.every((c) => c === 200)).toBe(true);
      await sleep(wave < 2 ? 100 : 600);
    }
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    const uas = readFileSync(join(dataDir, 'observations.ndjson'), 'utf8').trim().split('\n').map((l) => JSON.parse(l).user_agent as string);
    expect(uas.length).toBe(n);
    expect(new Set(uas).size).toBe(n);
    const h = await startListener({ port: 0, dataDir });
    try { expect(h.store.all().length).toBe(n); } finally { await h.stop(); }
  }, 30000);

  it('subscribers get the stored observation and, when they read it, a ConnectionRecord of the same connection', async () => {
    const h = await startListener({ port: 0, dataDir: join(tmp, 'subscribed') });
    try {
      const seen: ListenerObservation[] = [];
      const off = h.subscribe((o) => seen.push(o));
      expect(await get(h.port, 'sub/1')).toBe(200);
      off();
      expect(await get(h.port, 'sub/2')).toBe(200);
      expect(seen.length).toBe(1);
      const { stored, record } = seen[0]!;
      expect(stored.user_agent).toBe('sub/1');
      expect(record).toBe(seen[0]!.record); // built once
      expect(record.stream).toBe(stored.id);
      expect(record.dst_port).toBe(h.port);
      expect(record.hellos[0]!.ja4).toBe(stored.ja4);
      expect(record.http[0]!.user_agent).toBe('sub/1');
      const bytes = record.hellos[0]!.captured!.bytes;
      expect(Buffer.from(bytes).toString('hex')).toBe(stored.hello_hex);
    } finally { await h.stop(); }
  });

  it('cached knowledge-base verdicts are the same as computing them, per fingerprint and User-Agent', () => {
    const v = new ClientVerdicts(2);
    const ja4 = 't13d1516h2_8daaf6152771_02713d6af862', ja4_r = 't13d1516h2_002f,0035_0005,000a_0403', ja3 = 'cd08e31494f9531f560d64c695473da9';
    for (const ua of ['curl/8.0', null, 'Mozilla/5.0 (X11; Linux x86_64) Chrome/120.0.0.0 Safari/537.36', 'curl/8.0']) {
      const got = v.get(ja4, ja4_r, ja3, ua);
      const match = knownClient({ ja4, ja4_r, ja3 });
      expect(got.match).toEqual(match);
      expect(got.check).toEqual(assessUserAgent(ua, match));
    }
    expect(v.get(ja4, ja4_r, ja3, 'curl/8.0')).toBe(v.get(ja4, ja4_r, ja3, 'curl/8.0'));
  });
});
