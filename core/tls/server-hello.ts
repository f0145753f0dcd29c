import type { FieldReader } from '../bytes/field-reader.js';
import { toHex } from '../bytes/hex.js';
import { readExtensions } from './extensions/index.js';
import { cipherSuiteName, versionDisplay } from './iana/registry.js';
import type { ServerHello } from './model.js';

/** SHA-256("HelloRetryRequest"), the random of a HelloRetryRequest (RFC 8446 section 4.1.3). */
export const HRR_RANDOM = 'cf21ad74e59a6111be1d8c021e65b891c2a211167abb8c5e079e09e2c8a8339c';

export function emptyServerHello(source: string, start: number, length: number): ServerHello {
  return {
    kind: 'server_hello', type: 2, source, start, length, truncated: false, helloRetryRequest: false,
    legacyVersion: 0, random: new Uint8Array(0), sessionId: new Uint8Array(0), cipherSuite: -1, cipherSuiteOffset: -1,
    compressionMethod: 0, extensions: [],
  };
}

/** ServerHello body (RFC 8446 section 4.1.3). A HelloRetryRequest is a ServerHello with the HRR random. */
export function readServerHelloBody(r: FieldReader, hello: ServerHello, dtls: boolean): void {
  if (dtls) hello.dtls = true;
  hello.legacyVersion = r.u16('tls.handshake.version', 'Version', versionDisplay);
  const random = r.bytes('tls.handshake.random', 'Random', 32);
  hello.random = random;
  hello.helloRetryRequest = toHex(random) === HRR_RANDOM;
  if (hello.helloRetryRequest) r.generated('tls.handshake.hello_retry_request', 'HelloRetryRequest', true, 'yes (random is the RFC 8446 HelloRetryRequest value)');
  const sid = r.vector(1, 'tls.handshake.session_id_length', 'Session ID Length', 'session_id');
  hello.sessionId = sid.bytes('tls.handshake.session_id', 'Session ID', sid.left);
  r.finish(sid, 'session_id');
  hello.cipherSuiteOffset = r.pos;
  hello.cipherSuite = r.u16('tls.handshake.ciphersuite', 'Cipher Suite', cipherSuiteName);
  hello.compressionMethod = r.u8('tls.handshake.comp_method', 'Compression Method', (v) => `${v === 0 ? 'null' : v === 1 ? 'DEFLATE' : 'Unknown'} (${v})`);
  if (r.left === 0) return;
  hello.extensions = readExtensions(r, { message: hello.helloRetryRequest ? 'hello_retry_request' : 'server_hello', target: hello });
}
