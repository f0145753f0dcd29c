import { FieldReader } from '../bytes/field-reader.js';
import { hexLabel } from '../bytes/hex.js';
import type { DataSource, SourcePiece } from '../dissect/field.js';
import type { TreeSink } from '../dissect/tree-builder.js';
import { looksLikeTls13Certificate } from './certificate.js';
import { handshakeLabel, readHandshakeMessage } from './handshake.js';
import { versionDisplay, versionName } from './iana/registry.js';
import type { HandshakeMessage } from './model.js';

export const CONTENT_TYPES: Record<number, string> = {
  20: 'Change Cipher Spec', 21: 'Alert', 22: 'Handshake', 23: 'Application Data', 24: 'Heartbeat', 25: 'tls12_cid', 26: 'ACK',
};

const ALERTS: Record<number, string> = {
  0: 'close_notify', 10: 'unexpected_message', 20: 'bad_record_mac', 22: 'record_overflow', 40: 'handshake_failure',
  42: 'bad_certificate', 43: 'unsupported_certificate', 44: 'certificate_revoked', 45: 'certificate_expired',
  46: 'certificate_unknown', 47: 'illegal_parameter', 48: 'unknown_ca', 49: 'access_denied', 50: 'decode_error',
  51: 'decrypt_error', 70: 'protocol_version', 71: 'insufficient_security', 80: 'internal_error',
  86: 'inappropriate_fallback', 90: 'user_canceled', 100: 'no_renegotiation', 109: 'missing_extension',
  110: 'unsupported_extension', 112: 'unrecognized_name', 113: 'bad_certificate_status_response',
  115: 'unknown_psk_identity', 116: 'certificate_required', 120: 'no_application_protocol', 121: 'ech_required',
};

/** The name of a TLS alert description (RFC 8446 6, IANA), or 'unknown'. */
export const alertName = (n: number): string => ALERTS[n] ?? 'unknown';

export interface RecordRef {
  start: number;
  /** 5 for TLS, 13 for DTLS. */
  headerLength: number;
  contentType: number;
  version: number;
  /** Declared fragment length. */
  length: number;
  fragmentStart: number;
  /** End of the fragment bytes present (less than start + header + length when the input is cut). */
  fragmentEnd: number;
  epoch?: number;
  sequence?: number;
}

export interface RecordScan {
  records: RecordRef[];
  /** Where and why scanning stopped before the end, if it did. */
  stop?: { offset: number; reason: string };
}

/** A plausible TLS or DTLS record header at `at`? (content type 20..26, version major 3 or 0xfe). */
export function isRecordHeader(buf: Uint8Array, at: number, dtls: boolean): boolean {
  const t = buf[at];
  if (t === undefined || t < 20 || t > 26) return false;
  const major = buf[at + 1];
  return dtls ? major === 0xfe : major === 3;
}

/** Walks record headers without building fields. */
export function scanRecords(buf: Uint8Array, start: number, end: number, dtls: boolean): RecordScan {
  const records: RecordRef[] = [];
  const hl = dtls ? 13 : 5;
  let pos = start;
  while (pos < end) {
    if (!isRecordHeader(buf, pos, dtls)) {
      return { records, stop: { offset: pos, reason: `no ${dtls ? 'DTLS' : 'TLS'} record header at offset ${pos} (content type ${hexLabel(buf[pos]!, 2)}, version byte ${hexLabel(buf[pos + 1] ?? 0, 2)})` } };
    }
    if (end - pos < hl) {
      return { records, stop: { offset: pos, reason: `record header at offset ${pos} needs ${hl} bytes but only ${end - pos} are left` } };
    }
    const length = (buf[pos + hl - 2]! << 8) | buf[pos + hl - 1]!;
    const rec: RecordRef = {
      start: pos, headerLength: hl, contentType: buf[pos]!, version: (buf[pos + 1]! << 8) | buf[pos + 2]!,
      length, fragmentStart: pos + hl, fragmentEnd: Math.min(end, pos + hl + length),
    };
    if (dtls) {
      rec.epoch = (buf[pos + 3]! << 8) | buf[pos + 4]!;
      let seq = 0;
      for (let i = 5; i < 11; i++) seq = seq * 256 + buf[pos + i]!;
      rec.sequence = seq;
    }
    records.push(rec);
    pos = pos + hl + length;
  }
  return { records };
}

export interface RecordLayerResult {
  records: RecordRef[];
  messages: HandshakeMessage[];
}

/** Record header fields and the non-handshake content of one record. */
function openRecord(r: FieldReader, rec: RecordRef, dtls: boolean): void {
  const proto = dtls ? 'DTLS' : 'TLS';
  r.open('tls.record', `${proto} Record Layer`, `${versionName(rec.version)} Record Layer: ${CONTENT_TYPES[rec.contentType] ?? 'Unknown'} Protocol`, rec.start);
  r.u8('tls.record.content_type', 'Content Type', (v) => `${CONTENT_TYPES[v] ?? 'Unknown'} (${v})`);
  r.u16('tls.record.version', 'Version', versionDisplay);
  if (dtls) {
    r.u16('dtls.record.epoch', 'Epoch');
    r.uint(6, 'dtls.record.sequence_number', 'Sequence Number');
  }
  r.u16('tls.record.length', 'Length');
  if (rec.fragmentEnd < rec.fragmentStart + rec.length) {
    r.problem('error', 'truncated', `${proto} record length ${rec.length} exceeds the ${rec.fragmentEnd - rec.fragmentStart} bytes left at offset ${rec.fragmentStart}`);
  }
}

function readOtherContent(r: FieldReader, rec: RecordRef, encrypted: boolean): void {
  if (r.left === 0) return;
  if (rec.contentType === 21 && !encrypted && r.left === 2) {
    r.u8('tls.alert_message.level', 'Level', (v) => `${v === 1 ? 'Warning' : v === 2 ? 'Fatal' : 'Unknown'} (${v})`);
    r.u8('tls.alert_message.desc', 'Description', (v) => `${ALERTS[v] ?? 'Unknown'} (${v})`);
  } else if (rec.contentType === 20 && r.left === 1) {
    r.u8('tls.change_cipher_spec', 'Change Cipher Spec Message', (v) => String(v));
  } else if (rec.contentType === 22) {
    r.bytes('tls.handshake.encrypted', 'Encrypted Handshake Message', r.left, (b) => `${b.length} bytes`);
  } else {
    r.bytes(rec.contentType === 23 ? 'tls.app_data' : 'tls.record.data', rec.contentType === 23 ? 'Encrypted Application Data' : 'Data', r.left, (b) => `${b.length} bytes`);
  }
}

interface StreamPiece { streamAt: number; bufStart: number; length: number; version: number }

/** Copies stream range [from, to) out of the record fragments, recording where each run came from. */
function copyStream(buf: Uint8Array, source: string, pieces: StreamPiece[], from: number, to: number): { bytes: Uint8Array; map: SourcePiece[] } {
  const bytes = new Uint8Array(to - from);
  const map: SourcePiece[] = [];
  for (const p of pieces) {
    const a = Math.max(from, p.streamAt), b = Math.min(to, p.streamAt + p.length);
    if (a >= b) continue;
    const src = p.bufStart + (a - p.streamAt);
    bytes.set(buf.subarray(src, src + (b - a)), a - from);
    map.push({ at: a - from, length: b - a, source, start: src });
  }
  return { bytes, map };
}

/**
 * TLS record layer with handshake reassembly (RFC 8446 section 5.1): handshake records before the
 * first ChangeCipherSpec form one byte stream; a message inside one record is dissected in
 * place, one spread over several records is dissected from a reassembled source (like
 * Wireshark's "Reassembled TLS" tab) attached to the record that completes it.
 */
/**
 * After a ChangeCipherSpec, handshake records are normally encrypted. TLS 1.3's middlebox
 * compatibility mode is the exception: a client answers a HelloRetryRequest with CCS and then a
 * second ClientHello in clear, and a server may send CCS between its HelloRetryRequest and
 * ServerHello. Such a record starts with a ClientHello/ServerHello header whose length fits and
 * legacy_version 0x0303, which an encrypted Finished matches only by chance (~2^-40).
 */
function cleartextHelloAfterCcs(buf: Uint8Array, rec: RecordRef): boolean {
  const at = rec.fragmentStart;
  if (rec.fragmentEnd - at < 6) return false;
  const type = buf[at]!;
  if (type !== 1 && type !== 2) return false;
  const len = (buf[at + 1]! << 16) | (buf[at + 2]! << 8) | buf[at + 3]!;
  return len >= 38 && len < 1 << 16 && buf[at + 4] === 3 && buf[at + 5] === 3;
}

export function readTlsRecordLayer(buf: Uint8Array, source: string, sink: TreeSink, sources: DataSource[], end = buf.length): RecordLayerResult {
  const scan = scanRecords(buf, 0, end, false);
  const pieces: StreamPiece[] = [];
  const pieceOf = new Map<RecordRef, StreamPiece>();
  let streamLen = 0;
  let ccs = false;
  for (const rec of scan.records) {
    if (rec.contentType === 20) ccs = true;
    if (rec.contentType === 22 && (!ccs || cleartextHelloAfterCcs(buf, rec))) {
      const p = { streamAt: streamLen, bufStart: rec.fragmentStart, length: rec.fragmentEnd - rec.fragmentStart, version: rec.version };
      pieces.push(p);
      pieceOf.set(rec, p);
      streamLen += p.length;
    }
  }
  const streamByte = (at: number): number => {
    for (const p of pieces) if (at >= p.streamAt && at < p.streamAt + p.length) return buf[p.bufStart + at - p.streamAt]!;
    return 0;
  };
  // Message boundaries in the handshake stream.
  const bounds: { s: number; e: number }[] = [];
  for (let at = 0; at < streamLen;) {
    const len = at + 4 <= streamLen ? (streamByte(at + 1) << 16) | (streamByte(at + 2) << 8) | streamByte(at + 3) : 0;
    const e = at + 4 + len;
    bounds.push({ s: at, e });
    at = e;
  }

  const messages: HandshakeMessage[] = [];
  let tls13 = false;
  let mi = 0;
  let reassembled = 0;
  const onMessage = (m: HandshakeMessage): void => {
    messages.push(m);
    if (m.kind === 'server_hello' && !m.helloRetryRequest) tls13 = m.supportedVersions?.[0] === 0x0304;
  };
  const tls13CertAt = (b: Uint8Array, s: number, e: number): boolean => tls13 || (b[s] === 11 && looksLikeTls13Certificate(b, s + 4, e - s - 4));

  ccs = false;
  for (const rec of scan.records) {
    const r = new FieldReader(buf, source, rec.start, rec.fragmentEnd, sink);
    openRecord(r, rec, false);
    if (rec.contentType === 20) ccs = true;
    const piece = pieceOf.get(rec);
    if (!piece) {
      readOtherContent(r, rec, ccs);
    } else {
      while (r.pos < rec.fragmentEnd && mi < bounds.length) {
        const m = bounds[mi]!;
        const streamOff = piece.streamAt + (r.pos - piece.bufStart);
        const availEnd = Math.min(m.e, streamLen);
        const hereEnd = Math.min(rec.fragmentEnd, r.pos + (availEnd - streamOff));
        const done = streamOff + (hereEnd - r.pos) >= availEnd;
        if (streamOff === m.s && done) {
          const sub = r.sub(hereEnd - r.pos);
          onMessage(readHandshakeMessage(sub, { dtls: false, recordVersion: rec.version, tls13Certificate: tls13CertAt(buf, sub.pos, sub.end) }));
        } else {
          const type = streamByte(m.s);
          r.bytes('tls.handshake.fragment', 'Handshake Fragment', hereEnd - r.pos,
            () => `${handshakeLabel(type)}, bytes ${streamOff - m.s}-${streamOff - m.s + (hereEnd - r.pos) - 1} of ${m.e - m.s}`);
          if (done) {
            const { bytes, map } = copyStream(buf, source, pieces, m.s, availEnd);
            const id = `${source}:tls-reassembled-${++reassembled}`;
            sources.push({ id, label: `Reassembled TLS handshake (${bytes.length} bytes)`, bytes, pieces: map });
            const rr = new FieldReader(bytes, id, 0, bytes.length, sink);
            const first = pieces.find((pc) => m.s >= pc.streamAt && m.s < pc.streamAt + pc.length);
            onMessage(readHandshakeMessage(rr, { dtls: false, recordVersion: first?.version ?? rec.version, tls13Certificate: tls13CertAt(bytes, 0, bytes.length) }));
          }
        }
        r.pos = hereEnd;
        if (done) mi++;
      }
    }
    r.close();
  }
  if (scan.stop) {
    sink.problem({ severity: 'error', code: 'not_a_record', message: `record layer stopped: ${scan.stop.reason}`, source, offset: scan.stop.offset });
    if (sink.enabled) sink.leaf('_ws.malformed', 'Undissected bytes', source, scan.stop.offset, end - scan.stop.offset, null, `${end - scan.stop.offset} bytes`);
  }
  return { records: scan.records, messages };
}

/**
 * DTLS record layer (RFC 6347 / RFC 9147 plaintext epoch 0): handshake fragments carry
 * message_seq and fragment offsets; complete fragments are dissected in place, split ones
 * are reassembled per message_seq.
 */
export function readDtlsRecordLayer(buf: Uint8Array, source: string, sink: TreeSink, sources: DataSource[], end = buf.length): RecordLayerResult {
  const scan = scanRecords(buf, 0, end, true);
  const messages: HandshakeMessage[] = [];
  const partial = new Map<number, { type: number; length: number; body: Uint8Array; have: boolean[]; count: number; map: SourcePiece[] }>();
  // Messages already read whole, by message_seq: the same message sent again (DTLS retransmits a
  // flight on a timer, RFC 6347 4.2.4) is dissected where it lies but is not a further message.
  // Compared byte for byte: a different message under a used number is still read.
  const done = new Map<number, Uint8Array>();
  const repeats = (seq: number, at: number, bytes: Uint8Array): boolean => {
    const d = done.get(seq);
    if (!d || at + bytes.length > d.length) return false;
    for (let i = 0; i < bytes.length; i++) if (d[at + i] !== bytes[i]) return false;
    return true;
  };
  let reassembled = 0;
  for (const rec of scan.records) {
    const r = new FieldReader(buf, source, rec.start, rec.fragmentEnd, sink);
    openRecord(r, rec, true);
    if (rec.contentType !== 22 || (rec.epoch ?? 0) !== 0) {
      readOtherContent(r, rec, (rec.epoch ?? 0) !== 0);
      r.close();
      continue;
    }
    while (r.left > 0) {
      if (r.left < 12) {
        r.problem('error', 'truncated', `DTLS handshake header needs 12 bytes at offset ${r.pos} but only ${r.left} are left`);
        r.bytes('_ws.malformed', 'Malformed handshake header', r.left);
        break;
      }
      const p = r.pos;
      const type = buf[p]!;
      const length = (buf[p + 1]! << 16) | (buf[p + 2]! << 8) | buf[p + 3]!;
      const seq = (buf[p + 4]! << 8) | buf[p + 5]!;
      const fragOff = (buf[p + 6]! << 16) | (buf[p + 7]! << 8) | buf[p + 8]!;
      const fragLen = (buf[p + 9]! << 16) | (buf[p + 10]! << 8) | buf[p + 11]!;
      if (fragOff === 0 && fragLen === length) {
        const sub = r.sub(12 + fragLen);
        const m = readHandshakeMessage(sub, { dtls: true, recordVersion: rec.version });
        const body = buf.subarray(p + 12, p + 12 + fragLen);
        if (repeats(seq, 0, body) && done.get(seq)!.length === length) r.problem('info', 'dtls_retransmission', `DTLS handshake message seq ${seq} (${handshakeLabel(type)}) at offset ${p} repeats one already read (a retransmission): not counted again`, p);
        else { done.set(seq, body); messages.push(m); }
        r.pos = sub.end;
        continue;
      }
      const avail = Math.min(fragLen, r.left - 12);
      r.bytes('dtls.handshake.fragment', 'Handshake Fragment', 12 + avail, () => `${handshakeLabel(type)} seq ${seq}, bytes ${fragOff}-${fragOff + fragLen - 1} of ${length}`);
      if (fragOff + avail > length) {
        r.problem('error', 'bad_fragment', `DTLS fragment at offset ${p} runs past its message length ${length}`, p);
        continue;
      }
      if (repeats(seq, fragOff, buf.subarray(p + 12, p + 12 + avail))) continue;
      let st = partial.get(seq);
      if (!st) {
        st = { type, length, body: new Uint8Array(length), have: new Array<boolean>(length).fill(false), count: 0, map: [] };
        partial.set(seq, st);
      }
      st.body.set(buf.subarray(p + 12, p + 12 + avail), fragOff);
      st.map.push({ at: 12 + fragOff, length: avail, source, start: p + 12 });
      for (let i = fragOff; i < fragOff + avail; i++) if (!st.have[i]) { st.have[i] = true; st.count++; }
      if (st.count === st.length) {
        partial.delete(seq);
        done.set(seq, st.body);
        const whole = new Uint8Array(12 + length);
        whole.set([type, length >> 16, (length >> 8) & 0xff, length & 0xff, seq >> 8, seq & 0xff, 0, 0, 0, length >> 16, (length >> 8) & 0xff, length & 0xff]);
        whole.set(st.body, 12);
        const id = `${source}:dtls-reassembled-${++reassembled}`;
        sources.push({ id, label: `Reassembled DTLS handshake (${length} bytes; header synthesized)`, bytes: whole, pieces: st.map.sort((a, b) => a.at - b.at) });
        messages.push(readHandshakeMessage(new FieldReader(whole, id, 0, whole.length, sink), { dtls: true, recordVersion: rec.version }));
      }
    }
    r.close();
  }
  for (const [seq, st] of partial) {
    sink.problem({ severity: 'warning', code: 'incomplete_reassembly', message: `DTLS handshake message seq ${seq} (${handshakeLabel(st.type)}) incomplete: ${st.count} of ${st.length} bytes`, source });
  }
  if (scan.stop) sink.problem({ severity: 'error', code: 'not_a_record', message: `record layer stopped: ${scan.stop.reason}`, source, offset: scan.stop.offset });
  return { records: scan.records, messages };
}
