// Follows the Initial packets of one QUIC connection (both directions), decrypts them and
// reassembles each direction's CRYPTO stream, yielding the ClientHello(s) and the ServerHello.
import type { UdpDatagram } from '../../capture/packet.js';
import type { Problem } from '../../dissect/field.js';
import { CryptoStream, type CryptoPiece } from './crypto-stream.js';
import { readInitialFrames } from './frames.js';
import { deriveInitialKeys, type InitialKeys } from './initial-keys.js';
import { decryptLongPacket, parseLongHeader, type LongHeader } from './packet.js';

export interface QuicHello {
  /** The handshake message (4-byte header and body) reassembled from CRYPTO frames. */
  bytes: Uint8Array;
  /** Runs of `bytes` and the frame (and its packet data's file offset) each came from. */
  pieces: CryptoPiece[];
  /** The frame whose CRYPTO data completed the message. */
  frame: number;
}

// RFC 8446 section 4.1.3: SHA-256("HelloRetryRequest") as the ServerHello random.
const HRR_RANDOM = 'cf21ad74e59a6111be1d8c021e65b891c2a211167abb8c5e079e09e2c8a8339c';
/** A ServerHello message (4-byte header, 2-byte version, then the random) that is a HelloRetryRequest. */
const isHelloRetryRequest = (m: Uint8Array): boolean => m.length >= 38 && hex(m.subarray(6, 38)) === HRR_RANDOM;

const hex = (b: Uint8Array): string => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');

/** Bounds work on hostile input: a real Initial flight is a handful of packets. */
const MAX_INITIAL_PACKETS = 64;
const EMPTY = new Uint8Array(0);

export class QuicInitialTracker {
  readonly problems: Problem[] = [];
  /** Version of the first client Initial, null until one is seen. */
  version: number | null = null;
  /** Frame types seen per decrypted packet, in order (for views and tests). */
  readonly packetLog: { frame: number; fromClient: boolean; packetNumber: number; frames: string[] }[] = [];
  private readonly client = new CryptoStream();
  private readonly server = new CryptoStream();
  /** Keys per client-chosen DCID (hex) in the order first seen; the newest that worked is tried first. */
  private readonly keys = new Map<string, InitialKeys>();
  private lastGood: InitialKeys | undefined;
  private initials = 0;
  /**
   * Server Initials that came before any client Initial (captures merged from two interfaces,
   * clocks out of step): copies, decrypted once a client Initial gives the keys.
   */
  private early: { payload: Uint8Array; at: number; meta: UdpDatagram }[] = [];

  push(payload: Uint8Array, meta: UdpDatagram, fromClient: boolean): void {
    let at = 0;
    while (at < payload.length) {
      if ((payload[at]! & 0x80) === 0) break; // short header: 1-RTT, runs to the end of the datagram
      const h = parseLongHeader(payload, at);
      if (typeof h === 'string') {
        // Trailing zero bytes after coalesced packets are padding, not a packet.
        if (!payload.subarray(at).every((b) => b === 0)) this.problem('warning', 'quic_header', `${h} in frame ${meta.frame}`, meta, at);
        break;
      }
      if (h.type === 'initial') this.initial(payload, h, meta, fromClient);
      if (h.type === 'retry') break;
      at = h.start + h.length;
    }
  }

  private initial(d: Uint8Array, h: LongHeader, meta: UdpDatagram, fromClient: boolean): void {
    if (!fromClient && this.keys.size === 0) {
      if (this.early.length < 8) this.early.push({ payload: d.slice(), at: h.start, meta: { ...meta, payload: EMPTY } });
      return;
    }
    if (++this.initials > MAX_INITIAL_PACKETS) return;
    if (fromClient) {
      this.version ??= h.version;
      const id = `${h.version}:${hex(h.dcid)}`;
      if (!this.keys.has(id)) this.keys.set(id, deriveInitialKeys(h.dcid, h.info));
    }
    const candidates = [this.lastGood, ...[...this.keys.values()].reverse()].filter((k, i, a): k is InitialKeys => !!k && a.indexOf(k) === i);
    if (fromClient) {
      // A client Initial is protected with keys from its own DCID unless it follows the server's
      // first Initial (DCID = server's SCID); try that DCID's keys first.
      const own = this.keys.get(`${h.version}:${hex(h.dcid)}`)!;
      candidates.splice(candidates.indexOf(own), 1);
      candidates.unshift(own);
    }
    let reason = 'no client Initial seen yet to derive the Initial keys from';
    for (const k of candidates) {
      const r = decryptLongPacket(d, h, fromClient ? k.client : k.server);
      if (typeof r === 'string') {
        reason = r;
        continue;
      }
      // After the server's first Initial, later client Initials carry the server's SCID as DCID
      // but stay protected with the original keys; drop the key set we guessed for them.
      if (fromClient && k !== this.keys.get(`${h.version}:${hex(h.dcid)}`)) this.keys.delete(`${h.version}:${hex(h.dcid)}`);
      this.lastGood = k;
      const f = readInitialFrames(r.plaintext);
      this.packetLog.push({ frame: meta.frame, fromClient, packetNumber: r.packetNumber, frames: f.kinds });
      if (f.problem) this.problem('warning', 'quic_frame', `${f.problem} (frame ${meta.frame})`, meta, h.start);
      const stream = fromClient ? this.client : this.server;
      for (const c of f.crypto) stream.add(c.offset, c.data, meta.frame, meta.fileOffset);
      if (stream.overflow) this.problem('warning', 'quic_crypto_overflow', `CRYPTO data beyond ${256} KiB ignored (frame ${meta.frame})`, meta, h.start);
      if (fromClient && this.early.length) this.replayEarly();
      return;
    }
    this.problem('warning', 'quic_decrypt', `${fromClient ? 'client' : 'server'} Initial in frame ${meta.frame} could not be decrypted: ${reason}`, meta, h.start);
  }

  private replayEarly(): void {
    const early = this.early;
    this.early = [];
    for (const e of early) {
      const h = parseLongHeader(e.payload, e.at);
      if (typeof h !== 'string') this.initial(e.payload, h, e.meta, false);
    }
  }

  /** Server Initials still waiting for a client Initial at the end: said, as any undecryptable one is. */
  endEarly(): void {
    for (const e of this.early) this.problem('warning', 'quic_decrypt', `server Initial in frame ${e.meta.frame} could not be decrypted: no client Initial seen to derive the Initial keys from`, e.meta, e.at);
    this.early = [];
  }

  private problem(severity: Problem['severity'], code: string, message: string, meta: UdpDatagram, at: number): void {
    if (this.problems.length < 32) this.problems.push({ severity, code, message, source: `frame-${meta.frame}`, offset: at });
  }

  /** Every complete ClientHello in the client's Initial CRYPTO stream (a second one follows a HelloRetryRequest). */
  clientHellos(): QuicHello[] {
    return this.client.messages().filter((m) => m.type === 1).map(({ bytes, pieces, frame }) => ({ bytes, pieces, frame }));
  }

  /**
   * The ServerHello from the server's Initial CRYPTO stream, once complete. After a
   * HelloRetryRequest (a ServerHello with the RFC 8446 special random) the real ServerHello that
   * follows is preferred; the HelloRetryRequest is returned only when nothing else came.
   */
  serverHello(): QuicHello | null {
    const all = this.server.messages().filter((x) => x.type === 2);
    const m = all.find((x) => !isHelloRetryRequest(x.bytes)) ?? all[0];
    return m ? { bytes: m.bytes, pieces: m.pieces, frame: m.frame } : null;
  }

  /** True when ClientHello data is waiting for a missing CRYPTO range. */
  clientHelloIncomplete(): boolean {
    return this.client.hasGap() || (this.clientHellos().length === 0 && this.client.contiguous().bytes.length > 0);
  }
}

/**
 * Whether the Initial packet a datagram starts with was sent by the client: a client's first
 * Initial opens with the client keys derived from its own Destination Connection ID; a server's
 * does not (its keys come from the client's original DCID, not its own DCID field). undefined
 * when the datagram does not start with an Initial of a known version.
 */
export function initialFromClient(payload: Uint8Array): boolean | undefined {
  const h = parseLongHeader(payload, 0);
  if (typeof h === 'string' || h.type !== 'initial') return undefined;
  return typeof decryptLongPacket(payload, h, deriveInitialKeys(h.dcid, h.info).client) !== 'string';
}
