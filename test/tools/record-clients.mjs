#!/usr/bin/env node
// Records real TLS/HTTP clients on 127.0.0.1 into small fixtures under test/fixtures/clients/<id>/:
//   capture.pcap   tcpdump of the client's connections to a local server (loopback only)
//   keylog.txt     NSS key log (SSLKEYLOGFILE) where the client writes one
//   hello.bin      the first ClientHello as sent (TCP payload of its first segment)
//   meta.json      client, version, command, and the references recorded at capture time:
//                  tshark 4.0's JA3/JA3S and a JA4 computed from tshark's dissection (ja4-from-tshark.mjs)
// Needs root (tcpdump), and Debian's curl wget openssl gnutls-bin tshark tcpdump chromium
// firefox-esr golang-go ruby php-cli python3-requests libnss3-tools default-jdk-headless.
// usage: node test/tools/record-clients.mjs [id-substring ...]
import { spawn, execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ja4FromTshark } from './ja4-from-tshark.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../..');
// HS_RECORD_OUT: another output folder (the knowledge base records its own runs, build/kb/recordings).
const outRoot = process.env.HS_RECORD_OUT ? resolve(process.env.HS_RECORD_OUT) : join(root, 'test/fixtures/clients');
const only = process.argv.slice(2);
const tmp = mkdtempSync(join(tmpdir(), 'hs-record-'));
const HTTPS = 18443, HTTP = 18080;
const httpsUrl = `https://localhost:${HTTPS}/`;
const httpUrl = `http://127.0.0.1:${HTTP}/`;

const sh = (cmd, args, opts = {}) => execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], ...opts });
const firstLine = (cmd, args) => { try { return sh(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] }).split('\n')[0].trim(); } catch (e) { return String(e.stderr ?? e.stdout ?? '').split('\n')[0].trim(); } };
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function run(cmd, args, { env = {}, timeout = 25000, input } = {}) {
  return new Promise((res) => {
    const p = spawn(cmd, args, { env: { ...process.env, ...env }, stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
    let out = '', err = '';
    p.stdout.on('data', (d) => { out += d; });
    p.stderr.on('data', (d) => { err += d; });
    if (input !== undefined) p.stdin.end(input);
    const t = setTimeout(() => p.kill('SIGKILL'), timeout);
    p.on('close', (code) => { clearTimeout(t); res({ code, out, err }); });
  });
}

// ---- certificate and server -------------------------------------------------------------------
// A local CA and a localhost leaf it signs: Firefox refuses a self-signed leaf even when trusted.
const ca = join(tmp, 'ca.pem'), caKey = join(tmp, 'ca-key.pem'), cert = join(tmp, 'cert.pem'), key = join(tmp, 'key.pem'), csr = join(tmp, 'leaf.csr');
sh('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '30', '-subj', '/CN=Helloscope fixture CA',
  '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign', '-keyout', caKey, '-out', ca]);
sh('openssl', ['req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-subj', '/CN=localhost', '-keyout', key, '-out', csr]);
writeFileSync(join(tmp, 'leaf.ext'), 'basicConstraints=CA:FALSE\nkeyUsage=digitalSignature\nextendedKeyUsage=serverAuth\nsubjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1\n');
sh('openssl', ['x509', '-req', '-in', csr, '-CA', ca, '-CAkey', caKey, '-CAcreateserial', '-days', '30', '-extfile', join(tmp, 'leaf.ext'), '-out', cert]);
const server = spawn(process.execPath, [join(here, 'local-https-server.mjs'), cert, key, String(HTTPS), String(HTTP)], { stdio: ['ignore', 'pipe', 'inherit'] });
await new Promise((r) => server.stdout.once('data', r));

// ---- client programs that need files ----------------------------------------------------------
const goSrc = join(tmp, 'main.go');
writeFileSync(goSrc, `package main
import ("crypto/tls"; "io"; "net/http"; "os")
func main() {
  w, _ := os.Create(os.Getenv("SSLKEYLOGFILE"))
  tr := &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true, KeyLogWriter: w}, ForceAttemptHTTP2: true}
  r, err := (&http.Client{Transport: tr}).Get(os.Args[1]); if err != nil { panic(err) }
  io.ReadAll(r.Body); r.Body.Close()
}
`);
const javaSrc = join(tmp, 'Get.java');
writeFileSync(javaSrc, `import java.net.URI; import java.net.http.*; import javax.net.ssl.*; import java.security.cert.X509Certificate;
public class Get { public static void main(String[] a) throws Exception {
  TrustManager[] all = { new X509TrustManager() { public X509Certificate[] getAcceptedIssuers() { return new X509Certificate[0]; }
    public void checkClientTrusted(X509Certificate[] c, String s) {} public void checkServerTrusted(X509Certificate[] c, String s) {} } };
  SSLContext ctx = SSLContext.getInstance("TLS"); ctx.init(null, all, null);
  System.setProperty("jdk.internal.httpclient.disableHostnameVerification", "true");
  HttpClient c = HttpClient.newBuilder().sslContext(ctx).build();
  System.out.println(c.send(HttpRequest.newBuilder(URI.create(a[0])).build(), HttpResponse.BodyHandlers.ofString()).statusCode()); } }
`);
const ffProfile = join(tmp, 'ff-profile');
const chromeProfile = () => mkdtempSync(join(tmp, 'chromium-'));

const py = 'import ssl,urllib.request,sys; ctx=ssl._create_unverified_context(); print(urllib.request.urlopen(sys.argv[1], context=ctx).status)';
const nodeHttps = "const https=require('https');https.get(process.argv[1],{rejectUnauthorized:false},r=>{r.resume();r.on('end',()=>{})})";
const nodeH2 = "const h2=require('http2');const s=h2.connect(process.argv[1],{rejectUnauthorized:false});const r=s.request({':path':'/'});r.resume();r.on('end',()=>s.close());r.end()";
const nodeFetch = "process.env.NODE_TLS_REJECT_UNAUTHORIZED='0';fetch(process.argv[1]).then(r=>r.text()).then(()=>{})";

/** @type {{id:string, client:string, library:string, version:()=>string, run:(k:string)=>[string,string[],object?], http?:boolean, keylog?:boolean, needs?:string}[]} */
const CLIENTS = [
  { id: 'curl-h2', client: 'curl', library: 'OpenSSL', keylog: true, version: () => firstLine('curl', ['--version']), run: () => ['curl', ['-sk', '--http2', httpsUrl, '-o', '/dev/null']] },
  { id: 'curl-http1.1', client: 'curl', library: 'OpenSSL', keylog: true, version: () => firstLine('curl', ['--version']), run: () => ['curl', ['-sk', '--http1.1', httpsUrl, '-o', '/dev/null']] },
  { id: 'curl-no-alpn', client: 'curl', library: 'OpenSSL', keylog: true, version: () => firstLine('curl', ['--version']), run: () => ['curl', ['-sk', '--no-alpn', httpsUrl, '-o', '/dev/null']] },
  { id: 'curl-cookies-h2', client: 'curl', library: 'OpenSSL', keylog: true, version: () => firstLine('curl', ['--version']),
    run: () => ['curl', ['-sk', '--http2', '-H', 'Accept-Language: da, en-GB;q=0.8, en;q=0.7', '-H', 'Referer: https://example.org/', '-b', 'b_cookie=2; a_cookie=1; flag', httpsUrl, '-o', '/dev/null']] },
  { id: 'curl-plain-http', client: 'curl', library: 'none (plain HTTP)', http: true, version: () => firstLine('curl', ['--version']),
    run: () => ['curl', ['-s', '-H', 'Accept-Language: en-US,en;q=0.9', '-b', 'session=abc123; theme=dark', '-e', 'http://127.0.0.1/start', `${httpUrl}page`, '-o', '/dev/null']] },
  { id: 'wget', client: 'wget', library: 'GnuTLS', version: () => firstLine('wget', ['--version']), run: () => ['wget', ['-q', '--no-check-certificate', '-O', '/dev/null', httpsUrl]] },
  { id: 'wget-plain-http', client: 'wget', library: 'none (plain HTTP)', http: true, version: () => firstLine('wget', ['--version']), run: () => ['wget', ['-q', '-O', '/dev/null', httpUrl]] },
  { id: 'openssl-s_client', client: 'openssl s_client', library: 'OpenSSL', version: () => firstLine('openssl', ['version']), run: () => ['openssl', ['s_client', '-connect', `127.0.0.1:${HTTPS}`, '-servername', 'localhost', '-alpn', 'h2,http/1.1']] },
  { id: 'openssl-s_client-tls1_2', client: 'openssl s_client', library: 'OpenSSL', version: () => firstLine('openssl', ['version']), run: () => ['openssl', ['s_client', '-connect', `127.0.0.1:${HTTPS}`, '-servername', 'localhost', '-tls1_2']] },
  { id: 'gnutls-cli', client: 'gnutls-cli', library: 'GnuTLS', keylog: true, version: () => firstLine('gnutls-cli', ['--version']), run: () => ['gnutls-cli', ['--insecure', '-p', String(HTTPS), '--alpn=h2', '--alpn=http/1.1', 'localhost']] },
  { id: 'python-urllib', client: 'Python urllib', library: 'OpenSSL', keylog: true, version: () => firstLine('python3', ['--version']), run: () => ['python3', ['-c', py, httpsUrl]] },
  { id: 'python-requests', client: 'Python requests', library: 'OpenSSL', keylog: true, version: () => 'requests ' + firstLine('/usr/bin/python3', ['-c', 'import requests,sys;print(requests.__version__, sys.version.split()[0])']),
    run: () => ['/usr/bin/python3', ['-c', 'import requests,sys,urllib3; urllib3.disable_warnings(); print(requests.get(sys.argv[1], verify=False).status_code)', httpsUrl]] },
  { id: 'python-urllib-plain-http', client: 'Python urllib', library: 'none (plain HTTP)', http: true, version: () => firstLine('python3', ['--version']), run: () => ['python3', ['-c', 'import urllib.request,sys; urllib.request.urlopen(sys.argv[1]).read()', httpUrl]] },
  { id: 'node-https', client: 'Node.js https', library: 'OpenSSL (Node)', keylog: true, version: () => 'node ' + process.version, run: (k) => [process.execPath, [`--tls-keylog=${k}`, '-e', nodeHttps, httpsUrl]] },
  { id: 'node-http2', client: 'Node.js http2', library: 'OpenSSL (Node)', keylog: true, version: () => 'node ' + process.version, run: (k) => [process.execPath, [`--tls-keylog=${k}`, '-e', nodeH2, httpsUrl]] },
  { id: 'node-fetch', client: 'Node.js fetch (undici)', library: 'OpenSSL (Node)', keylog: true, version: () => 'node ' + process.version, run: (k) => [process.execPath, [`--tls-keylog=${k}`, '-e', nodeFetch, httpsUrl]] },
  { id: 'go-net-http', client: 'Go net/http', library: 'Go crypto/tls', keylog: true, version: () => firstLine('go', ['version']), run: () => ['go', ['run', goSrc, httpsUrl]] },
  { id: 'java-httpclient', client: 'Java HttpClient', library: 'JSSE', version: () => firstLine('java', ['-version']), run: () => ['java', [javaSrc, httpsUrl]] },
  { id: 'ruby-net-http', client: 'Ruby Net::HTTP', library: 'OpenSSL', version: () => firstLine('ruby', ['--version']),
    run: () => ['ruby', ['-rnet/http', '-ropenssl', '-e', 'u=URI(ARGV[0]); h=Net::HTTP.new(u.host,u.port); h.use_ssl=true; h.verify_mode=OpenSSL::SSL::VERIFY_NONE; puts h.get("/").code', httpsUrl]] },
  { id: 'php-streams', client: 'PHP file_get_contents', library: 'OpenSSL', version: () => firstLine('php', ['--version']),
    run: () => ['php', ['-r', '$c=stream_context_create(["ssl"=>["verify_peer"=>false,"verify_peer_name"=>false]]); echo strlen(file_get_contents($argv[1],false,$c));', httpsUrl]] },
  { id: 'perl-io-socket-ssl', client: 'Perl IO::Socket::SSL', library: 'OpenSSL', version: () => 'IO::Socket::SSL ' + firstLine('perl', ['-MIO::Socket::SSL', '-e', 'print $IO::Socket::SSL::VERSION']),
    run: () => ['perl', ['-MIO::Socket::SSL', '-e', `my $s=IO::Socket::SSL->new(PeerAddr=>"127.0.0.1:${HTTPS}",SSL_hostname=>"localhost",SSL_verify_mode=>0) or die; print $s "GET / HTTP/1.0\\r\\nHost: localhost\\r\\n\\r\\n"; print <$s>;`]] },
  { id: 'chromium', client: 'Chromium', library: 'BoringSSL', keylog: true, version: () => firstLine('chromium', ['--version']),
    run: () => ['chromium', ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update',
      '--disable-sync', `--user-data-dir=${chromeProfile()}`, '--ignore-certificate-errors', '--dump-dom', httpsUrl]] },
  { id: 'chromium-plain-http', client: 'Chromium', library: 'none (plain HTTP)', http: true, version: () => firstLine('chromium', ['--version']),
    run: () => ['chromium', ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update',
      '--disable-sync', `--user-data-dir=${chromeProfile()}`, '--dump-dom', httpUrl]] },
  { id: 'firefox-esr', client: 'Firefox ESR', library: 'NSS', keylog: true, version: () => firstLine('firefox-esr', ['--version']),
    run: () => ['firefox-esr', ['--headless', '--no-remote', '--profile', ffProfile, '--screenshot', join(tmp, 'ff.png'), httpsUrl]] },
];

function setupFirefoxProfile() {
  mkdirSync(ffProfile, { recursive: true });
  writeFileSync(join(ffProfile, 'user.js'), [
    'network.proxy.type', 0, 'app.update.enabled', false, 'browser.safebrowsing.malware.enabled', false, 'browser.safebrowsing.phishing.enabled', false,
    'datareporting.policy.dataSubmissionEnabled', false, 'toolkit.telemetry.enabled', false, 'network.captive-portal-service.enabled', false,
    'network.connectivity-service.enabled', false, 'browser.shell.checkDefaultBrowser', false, 'network.dns.disablePrefetch', true,
    'network.http.speculative-parallel-limit', 0, 'browser.startup.homepage_override.mstone', 'ignore', 'extensions.update.enabled', false,
  ].reduce((acc, x, i, a) => (i % 2 ? acc : acc + `user_pref(${JSON.stringify(x)}, ${JSON.stringify(a[i + 1])});\n`), ''));
  try {
    sh('certutil', ['-N', '-d', `sql:${ffProfile}`, '--empty-password']);
    sh('certutil', ['-A', '-n', 'helloscope-local-ca', '-t', 'CT,,', '-i', ca, '-d', `sql:${ffProfile}`]);
  } catch (e) { console.warn('certutil failed; Firefox will stop at the certificate error', e.stderr); }
}

async function capture(id, fn) {
  const pcap = join(tmp, `${id}.pcap`);
  const td = spawn('tcpdump', ['-i', 'lo', '-U', '--immediate-mode', '-s', '0', '-w', pcap, `tcp port ${HTTPS} or tcp port ${HTTP}`], { stdio: ['ignore', 'ignore', 'pipe'] });
  // tcpdump prints "listening on" before the capture is really armed; give it a moment.
  await new Promise((r) => td.stderr.once('data', r));
  await sleep(1000);
  const res = await fn();
  await sleep(400);
  td.kill('SIGINT');
  await new Promise((r) => td.on('close', r));
  return { pcap, res };
}

const DECODE_AS = ['-d', `tcp.port==${HTTPS},tls`, '-d', `tcp.port==${HTTP},http`];

function tsharkFields(pcap, keylog, filter, fields) {
  const args = ['-r', pcap, '-n', ...DECODE_AS, '-Y', filter, '-T', 'fields', '-E', 'separator=\t', '-E', 'occurrence=a', '-E', 'aggregator=,'];
  if (keylog && existsSync(keylog)) args.push('-o', `tls.keylog_file:${keylog}`);
  for (const f of fields) args.push('-e', f);
  return sh('tshark', args).trim().split('\n').filter(Boolean).map((l) => Object.fromEntries(l.split('\t').map((v, i) => [fields[i], v])));
}

function tsharkJsonHandshakes(pcap, frame) {
  const j = JSON.parse(sh('tshark', ['-r', pcap, '-n', ...DECODE_AS, '-Y', `frame.number==${frame}`, '-T', 'json', '--no-duplicate-keys'], { maxBuffer: 1 << 26 }));
  const tls = j[0]._source.layers.tls;
  const recs = [].concat(tls['tls.record'] ?? []);
  for (const r of recs) for (const hs of [].concat(r['tls.handshake'] ?? [])) if (hs['tls.handshake.type'] === '1') return hs;
  return undefined;
}

setupFirefoxProfile();
mkdirSync(outRoot, { recursive: true });
for (const c of CLIENTS) {
  if (only.length && !only.some((o) => c.id.includes(o))) continue;
  const keylog = join(tmp, `${c.id}.keylog`);
  rmSync(keylog, { force: true });
  const [cmd, args] = c.run(keylog);
  const env = c.keylog ? { SSLKEYLOGFILE: keylog } : {};
  process.stdout.write(`${c.id}: `);
  const { pcap, res } = await capture(c.id, () => run(cmd, args, { env, input: cmd === 'openssl' || cmd === 'gnutls-cli' ? '' : undefined }));
  const dir = join(outRoot, c.id);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  copyFileSync(pcap, join(dir, 'capture.pcap'));
  const hasKeylog = existsSync(keylog) && readFileSync(keylog, 'utf8').trim().length > 0;
  if (hasKeylog) copyFileSync(keylog, join(dir, 'keylog.txt'));
  const meta = {
    id: c.id, client: c.client, version: c.version(), library: c.library, os: firstLine('sh', ['-c', '. /etc/os-release; echo $PRETTY_NAME']),
    recorded: new Date().toISOString().slice(0, 10), command: [cmd, ...args].map((a) => (a.includes(tmp) ? a.replace(tmp, '$TMP') : a)).join(' '),
    exit_code: res.code, hellos: [], server_hellos: [], http_requests: [],
  };
  if (!c.http) {
    const chs = tsharkFields(pcap, hasKeylog ? keylog : undefined, 'tls.handshake.type==1', ['frame.number', 'tcp.stream', 'tls.handshake.ja3', 'tls.handshake.ja3_full', 'tls.handshake.extension.type', 'tls.handshake.extensions_server_name', 'tcp.payload']);
    for (const ch of chs) {
      const hs = tsharkJsonHandshakes(pcap, ch['frame.number']);
      const ref = hs ? ja4FromTshark(hs, ch['tls.handshake.extension.type'].split(',').map(Number)) : {};
      meta.hellos.push({ frame: +ch['frame.number'], stream: +ch['tcp.stream'], tls_server_name: ch['tls.handshake.extensions_server_name'] || null,
        tshark_ja3: ch['tls.handshake.ja3'], tshark_ja3_full: ch['tls.handshake.ja3_full'], ref_ja4: ref.ja4, ref_ja4_o: ref.ja4_o });
    }
    if (chs[0]) writeFileSync(join(dir, 'hello.bin'), Buffer.from(chs[0]['tcp.payload'].replace(/:/g, ''), 'hex'));
    const shs = tsharkFields(pcap, undefined, 'tls.handshake.type==2', ['frame.number', 'tcp.stream', 'tls.handshake.ja3s', 'tls.handshake.ja3s_full', 'tcp.payload']);
    // The server's first flight as sent (ServerHello and, in TLS 1.2, Certificate... in the same segment on loopback).
    if (shs[0]) writeFileSync(join(dir, 'server-flight.bin'), Buffer.from(shs[0]['tcp.payload'].replace(/:/g, ''), 'hex'));
    for (const s of shs) {
      meta.server_hellos.push({ frame: +s['frame.number'], stream: +s['tcp.stream'], tshark_ja3s: s['tls.handshake.ja3s'], tshark_ja3s_full: s['tls.handshake.ja3s_full'] });
    }
  }
  const reqs = tsharkFields(pcap, hasKeylog ? keylog : undefined, 'http.request || http2.type==1', ['frame.number', 'tcp.stream', 'http.request.method', 'http.request.uri', 'http.request.version', 'http2.header.name', 'http2.streamid']);
  meta.http_requests = reqs.map((r) => ({ frame: +r['frame.number'], stream: +r['tcp.stream'], method: r['http.request.method'] || undefined, uri: r['http.request.uri'] || undefined,
    version: r['http.request.version'] || undefined, h2_header_names: r['http2.header.name'] ? r['http2.header.name'].split(',') : undefined }));
  writeFileSync(join(dir, 'meta.json'), JSON.stringify(meta, null, 2) + '\n');
  console.log(`exit ${res.code}, ${meta.hellos.length} hello(s), ${meta.http_requests.length} request frame(s)${hasKeylog ? ', keylog' : ''}`);
}
server.kill();
rmSync(tmp, { recursive: true, force: true });
