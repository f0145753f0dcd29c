import type { FieldReader } from '../bytes/field-reader.js';
import { hex8, hexLabel, toHex } from '../bytes/hex.js';
import { readExtensions } from './extensions/index.js';
import { isGrease } from './grease.js';
import { cipherSuiteName, versionDisplay } from './iana/registry.js';
import type { ClientHello } from './model.js';

const COMPRESSION: Record<number, string> = { 0: 'null', 1: 'DEFLATE', 64: 'LZS' };

/** A ClientHello with nothing read yet; parsers fill it as they go so a truncated hello keeps what was read. */
export function emptyClientHello(source: string, start: number, length: number): ClientHello {
  return {
    kind: 'client_hello', type: 1, source, start, length, truncated: false,
    legacyVersion: 0, random: new Uint8Array(0), sessionId: new Uint8Array(0),
    cipherSuites: [], cipherSuitesOffset: -1, compressionMethods: [], extensions: [], hasExtensionsBlock: false, sniPresent: false,
  };
}

/**
 * The body of a ClientHello (RFC 8446 section 4.1.2; DTLS adds a cookie, RFC 6347 section 4.2.1).
 * `r` is bounded to the body. Truncation propagates as OutOfBytes to the message parser,
 * with `hello` holding everything read until then.
 */
export function readClientHelloBody(r: FieldReader, hello: ClientHello, dtls: boolean): void {
  hello.legacyVersion = r.u16('tls.handshake.version', 'Version', versionDisplay);
  hello.random = r.bytes('tls.handshake.random', 'Random', 32);
  const sid = r.vector(1, 'tls.handshake.session_id_length', 'Session ID Length', 'session_id');
  hello.sessionId = sid.bytes('tls.handshake.session_id', 'Session ID', sid.left);
  r.finish(sid, 'session_id');
  if (dtls) {
    hello.dtls = true;
    const cookie = r.vector(1, 'dtls.handshake.cookie_length', 'Cookie Length', 'cookie');
    hello.cookie = cookie.bytes('dtls.handshake.cookie', 'Cookie', cookie.left);
    r.finish(cookie, 'cookie');
  }
  const cs = r.vector(2, 'tls.handshake.cipher_suites_length', 'Cipher Suites Length', 'cipher_suites');
  hello.cipherSuitesOffset = cs.pos;
  if ((cs.left & 1) !== 0) cs.problem('error', 'odd_length', `cipher_suites length ${cs.left} is odd at offset ${cs.pos}; each suite is 2 bytes`);
  cs.open('tls.handshake.ciphersuites', 'Cipher Suites');
  while (cs.left >= 2) hello.cipherSuites.push(cs.u16('tls.handshake.ciphersuite', 'Cipher Suite', cipherSuiteName, isGrease));
  cs.close(`${hello.cipherSuites.length} suite${hello.cipherSuites.length === 1 ? '' : 's'}`);
  r.finish(cs, 'cipher_suites');
  const cm = r.vector(1, 'tls.handshake.comp_methods_length', 'Compression Methods Length', 'compression_methods');
  cm.open('tls.handshake.comp_methods', 'Compression Methods');
  while (cm.left >= 1) hello.compressionMethods.push(cm.u8('tls.handshake.comp_method', 'Compression Method', (v) => `${COMPRESSION[v] ?? 'Unknown'} (${v})`));
  cm.close(`${hello.compressionMethods.length} method${hello.compressionMethods.length === 1 ? '' : 's'}`);
  r.finish(cm, 'compression_methods');
  if (r.left === 0) return; // no extensions block (SSL 3.0 / TLS 1.0 style hello)
  hello.hasExtensionsBlock = true;
  hello.extensions = readExtensions(r, { message: 'client_hello', target: hello });
  hello.sniPresent = hello.extensions.some((e) => e.type === 0);
}

/**
 * SSLv2-compatible CLIENT-HELLO (RFC 5246 appendix E.2), as old clients send it to reach
 * SSL 3.0+ servers. `r` starts at the 2-byte record header. Cipher specs are 3 bytes; those
 * whose first byte is 0 are TLS cipher suites and are what the fingerprints use.
 */
export function readSslv2ClientHello(r: FieldReader, hello: ClientHello): void {
  hello.sslv2 = true;
  r.open('ssl.record', 'SSLv2 Record Layer', 'Client Hello');
  const len = r.u16('ssl.record.length', 'Length', (v) => String(v & 0x7fff)) & 0x7fff;
  const body = r.sub(len);
  if (len > body.left) body.problem('error', 'length_exceeds', `SSLv2 record length ${len} exceeds the ${body.left} bytes left at offset ${body.pos}`);
  body.u8('ssl.handshake.type', 'Handshake Message Type', (v) => v === 1 ? 'Client Hello (1)' : `Unknown (${v})`);
  hello.legacyVersion = body.u16('ssl.handshake.version', 'Version', versionDisplay);
  const specLen = body.u16('ssl.handshake.cipher_spec_len', 'Cipher Spec Length');
  const sidLen = body.u16('ssl.handshake.session_id_len', 'Session ID Length');
  const chLen = body.u16('ssl.handshake.challenge_len', 'Challenge Length');
  if (specLen % 3 !== 0) body.problem('error', 'bad_length', `SSLv2 cipher_spec length ${specLen} is not a multiple of 3`);
  const specs = body.sub(specLen);
  hello.cipherSuitesOffset = specs.pos;
  specs.open('ssl.handshake.cipherspecs', 'Cipher Specs');
  while (specs.left >= 3) {
    const at = specs.pos;
    const v = specs.uint(3, 'ssl.handshake.cipherspec', 'Cipher Spec', (x) => x >> 16 === 0 ? cipherSuiteName(x & 0xffff) : `SSLv2 ${hexLabel(x, 6)}`);
    if (v >> 16 === 0) {
      hello.cipherSuites.push(v & 0xffff);
      // The suite is the spec's last two bytes (00 xx yy).
      (hello.cipherSuiteOffsets ??= []).push(at + 1);
    }
  }
  specs.close();
  body.finish(specs, 'cipher specs');
  const sid = body.sub(sidLen);
  hello.sessionId = sid.bytes('ssl.handshake.session_id', 'Session ID', sid.left);
  body.finish(sid, 'session id');
  const ch = body.sub(chLen);
  hello.random = ch.bytes('ssl.handshake.challenge', 'Challenge', ch.left);
  body.finish(ch, 'challenge');
  r.finish(body, 'SSLv2 record');
  r.close('Client Hello');
  hello.compressionMethods = [0];
  hello.start = r.pos - 2 - len;
  hello.length = 2 + len;
  r.problem('info', 'sslv2_client_hello', `SSLv2-compatible ClientHello (version ${versionDisplay(hello.legacyVersion)}): no extensions; SSLv2-only cipher specs are left out of the fingerprints`, hello.start);
}

export const sessionIdDisplay = (b: Uint8Array): string => (b.length === 0 ? '(empty)' : toHex(b));
export { hex8 };
