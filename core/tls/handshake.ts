import { OutOfBytes, type FieldReader } from '../bytes/field-reader.js';
import { handshakeTypeName } from './iana/registry.js';
import { readCertificateBody } from './certificate.js';
import { emptyClientHello, readClientHelloBody } from './client-hello.js';
import { readExtensions } from './extensions/index.js';
import type { CertificateMessage, EncryptedExtensionsMessage, HandshakeMessage } from './model.js';
import { emptyServerHello, readServerHelloBody } from './server-hello.js';

export interface HandshakeReadOptions {
  dtls: boolean;
  /** Certificate messages use the TLS 1.3 layout (decided by the caller from the ServerHello). */
  tls13Certificate?: boolean;
  recordVersion?: number;
}

const TYPE_LABEL: Record<number, string> = {
  0: 'Hello Request', 1: 'Client Hello', 2: 'Server Hello', 3: 'Hello Verify Request', 4: 'New Session Ticket',
  5: 'End Of Early Data', 8: 'Encrypted Extensions', 11: 'Certificate', 12: 'Server Key Exchange',
  13: 'Certificate Request', 14: 'Server Hello Done', 15: 'Certificate Verify', 16: 'Client Key Exchange',
  20: 'Finished', 22: 'Certificate Status', 24: 'Key Update', 25: 'Compressed Certificate',
};

export const handshakeLabel = (type: number): string => TYPE_LABEL[type] ?? handshakeTypeName(type);
const typeDisplay = (v: number): string => `${handshakeLabel(v)} (${v})`;

/** Bytes of a handshake header: 4 in TLS, 12 in DTLS (adds message_seq, fragment_offset, fragment_length). */
export const handshakeHeaderLength = (dtls: boolean): number => (dtls ? 12 : 4);

/**
 * Reads one handshake message at `r.pos` (RFC 8446 section 4; DTLS RFC 6347 section 4.2.2).
 * Never throws: a message cut short is returned with `truncated` and a problem naming where.
 */
export function readHandshakeMessage(r: FieldReader, opts: HandshakeReadOptions): HandshakeMessage {
  const start = r.pos;
  const type = r.left >= 1 ? r.peekU8() : -1;
  const label = handshakeLabel(type);
  r.open('tls.handshake', 'Handshake Protocol', label, start);
  const depth = r.sink.depth;
  const base = { source: r.source, start, length: 0, type, truncated: false, recordVersion: opts.recordVersion };
  let msg: HandshakeMessage = { ...base, kind: 'other' };
  let bodyEnd = r.end;
  try {
    r.u8('tls.handshake.type', 'Handshake Type', typeDisplay);
    const length = r.u24('tls.handshake.length', 'Length');
    if (opts.dtls) {
      r.u16('dtls.handshake.message_seq', 'Message Sequence');
      r.u24('dtls.handshake.fragment_offset', 'Fragment Offset');
      r.u24('dtls.handshake.fragment_length', 'Fragment Length');
    }
    const headerLen = r.pos - start;
    const body = r.sub(length);
    bodyEnd = body.end;
    if (length > body.left) {
      body.problem('error', 'truncated', `${label} length ${length} exceeds the ${body.left} bytes left at offset ${body.pos}`);
    }
    const total = headerLen + length;
    if (type === 1) {
      msg = emptyClientHello(r.source, start, total);
      msg.recordVersion = opts.recordVersion;
      msg.truncated = length > body.left;
      readClientHelloBody(body, msg, opts.dtls);
    } else if (type === 2) {
      msg = emptyServerHello(r.source, start, total);
      msg.recordVersion = opts.recordVersion;
      msg.truncated = length > body.left;
      readServerHelloBody(body, msg, opts.dtls);
    } else if (type === 11) {
      const cert: CertificateMessage = { ...base, length: total, kind: 'certificate', tls13: false, certificates: [], truncated: length > body.left };
      msg = cert;
      readCertificateBody(body, cert, opts.tls13Certificate ?? false);
    } else if (type === 8) {
      const ee: EncryptedExtensionsMessage = { ...base, length: total, kind: 'encrypted_extensions', extensions: [], truncated: length > body.left };
      msg = ee;
      ee.extensions = readExtensions(body, { message: 'encrypted_extensions', target: ee });
    } else {
      msg = { ...base, length: total, kind: 'other', truncated: length > body.left };
      if (body.left > 0) body.bytes('tls.handshake.body', 'Body', body.left, (b) => `${b.length} bytes (not dissected)`);
    }
    r.finish(body, label);
  } catch (e) {
    if (!(e instanceof OutOfBytes)) throw e;
    r.sink.unwindTo(depth, bodyEnd);
    if (e.offset + e.needed > r.end) msg.truncated = true;
    r.problem('error', msg.truncated ? 'truncated' : 'malformed', `${label} ${msg.truncated ? 'cut off' : 'malformed'}: ${e.message}`, e.offset);
    r.pos = bodyEnd;
  }
  r.close(label);
  return msg;
}
