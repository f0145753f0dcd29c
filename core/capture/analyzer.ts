// The capture engine: file bytes in (any chunk sizes), one ConnectionRecord out per TCP or UDP
// conversation, with every fingerprint the core knows. Pure TS: the CLI, a worker thread and
// the desktop app run this same code.
import { concatBytes } from '../bytes/concat.js';
import { fingerprintServerHello } from '../fingerprint/tls-fingerprints.js';
import { TcpJa4Plus, type TcpMethodsResult } from '../fingerprint/ja4plus/tcp-methods.js';
import type { ClientHello, HandshakeMessage } from '../tls/model.js';
import { parseTls, type TlsParse } from '../tls/parse-tls.js';
import { isRecordHeader } from '../tls/records.js';
import { looksLikeQuicLongHeader } from '../transport/quic/packet.js';
import { initialFromClient } from '../transport/quic/initial-tracker.js';
import { QuicConversation } from '../transport/quic/quic-conversation.js';
import type { CapturedBytes, ConnectionRecord } from './connection.js';
import { frameAt } from './captured-bytes.js';
import { decodeFrame } from './decode.js';
import { CaptureFileReader, type CaptureWarning } from './file-reader.js';
import { TCP_ACK, TCP_FIN, TCP_RST, TCP_SYN, type TcpSegment, type UdpDatagram } from './packet.js';
import type { ConversationPlugin } from './plugin.js';
import { TcpDirectionStream } from './tcp-stream.js';
import { KeyedHeap } from './keyed-heap.js';
import { V4Tombs } from './v4-tombs.js';
import { ConversationFinisher, cutHelloProblem, finishJobOf, pushProblems, type TcpHandOff } from './finish-tcp.js';

export { CaptureFormatError, type CaptureWarning } from './file-reader.js';

export interface CaptureAnalyzerOptions {
  /** Named in warnings. */
  fileName?: string;
  plugins?: ConversationPlugin[];
  /** Keep the bytes of hellos (CapturedBytes) on the records, for byte-level views. */
  keepBytes?: boolean;
  onConnection: (r: ConnectionRecord) => void;
  onWarning?: (w: CaptureWarning) => void;
  /** Payload bytes kept per TCP direction for the TLS handshake (default 64 KiB). */
  tlsBytes?: number;
  /** A conversation with no packet for this long (capture time, µs) is finished (default 5 min). */
  idleTimeoutUs?: number;
  /** Warnings of one kind reported individually before they are only counted (default 20). */
  warningsPerCode?: number;
  /**
   * How long (capture time, µs) a conversation closed by FIN/RST waits for late packets before it
   * is finished (default 2 s, so late ACKs count in its packet counts). SSH conversations always
   * wait 2 s: JA4SSH counts the ACKs. A consumer that prints no packet counts (`helloscope read`)
   * can finish sooner: fewer conversations alive at once, much less garbage-collector work.
   */
  lingerUs?: number;
  /**
   * Compute each hello's `ja4_o`, `tls_fp` and `sha3_384` only when they are first read (the
   * values are the same). Those members then sit on the record's prototype: a spread or a
   * structured clone of a HelloRecord leaves them out. For consumers that read the records
   * in place, as `helloscope read` does.
   */
  lazyFingerprints?: boolean;
  /**
   * When set, each ended TCP conversation is handed over as a job instead of
   * being finished here and passed to `onConnection`: the consumer runs a ConversationFinisher
   * (possibly in another thread) and emits the record. UDP conversations still come to
   * `onConnection`, in the same finishing order relative to the jobs. The job is valid only
   * during the call: the job object, its record and its directions are filled again for the next
   * conversation, and its bytes are views of shared stream buffers. A consumer that keeps any of
   * it copies it.
   */
  handOffTcp?: (job: TcpHandOff, embeddedSecrets: readonly string[]) => void;
}

type UdpKind = 'quic' | 'dtls' | 'other';

interface Conversation {
  /** The string key in `convs` ('' for an IPv4 TCP conversation in its hash slot of `v4`). */
  key: string;
  /** IPv4 TCP: the slot in `v4`, and the client and server addresses as numbers (else -1). */
  h4: number; a4: number; b4: number;
  inTable: boolean;
  /** Where the key sits in `convs`' insertion order (kept when a reused key gets a new conversation). */
  pos: number;
  stream: number;
  transport: 'tcp' | 'udp';
  /** Client address/port. */
  ca: string; cp: number;
  sa: string; sp: number;
  first: number; last: number;
  packets: number; bytes: number;
  sawSyn: boolean;
  finC: boolean; finS: boolean; rst: boolean;
  closedAt: number;
  done: boolean;
  // TCP
  c2s?: TcpDirectionStream; s2c?: TcpDirectionStream;
  ja4plus?: TcpJa4Plus;
  isn?: number;
  // UDP
  udpKind?: UdpKind;
  quic?: QuicConversation;
  dtls?: { c: Chunks; s: Chunks };
  /**
   * Made when the conversation is finished and dropped once it is emitted: a record and its five
   * arrays kept for the conversation's life were copied by every young-generation collection.
   */
  record?: ConnectionRecord;
}

interface Chunks {
  parts: Uint8Array[]; pieces: CapturedBytes['pieces']; size: number;
  /** DTLS: datagrams that end inside a record (cut when captured). */
  cut: number;
}

const SWEEP_EVERY = 4096;
/** Closed conversations are finished this long after their FIN/RST (default), so late ACKs still count. */
const LINGER_US = 2_000_000;
/** Finished conversations stay known this long, so stray late packets do not open a new one. */
const TOMBSTONE_US = 20_000_000;
const MAX_OPEN = 200_000;
const UDP_KEEP = 64 * 1024;
const EMPTY = new Uint8Array(0);

export class CaptureAnalyzer {
  private readonly reader: CaptureFileReader;
  private readonly convs = new Map<string, Conversation>();
  /**
   * IPv4 TCP conversations by a 32-bit hash of their address pair, so a packet finds its
   * conversation without building a string. The rare conversation whose hash slot is taken by
   * another goes to `convs` under its string key (`collided` counts them).
   */
  private readonly v4 = new Map<number, Conversation>();
  private collided = 0;
  /** Conversations in the tables (open ones and tombstones). */
  private open = 0;
  /**
   * Whether a TCP direction may stop keeping bytes once its cleartext TLS handshake records have
   * ended (-1: not decided yet). A classic pcap holds no decryption secrets, so when every plugin
   * says it reads nothing of a TLS conversation after the handshake (no key log), those bytes are
   * never looked at. pcapng may bring secrets in a later block: no sealing there.
   */
  private sealing = -1;
  /** The segment object the fast path fills for each packet (no one keeps it past the call). */
  private readonly scratch: TcpSegment = {
    frame: 0, timestampUs: 0, ipVersion: 4, ttl: 0, src: '', dst: '', fileOffset: 0,
    srcPort: 0, dstPort: 0, seq: 0, ack: 0, flags: 0, window: 0, options: EMPTY, payload: EMPTY, wireLength: 0,
  };
  private scratchBuf: Uint8Array = EMPTY;
  /**
   * A SYN's options copied here and shown through the view of their length (TCP options are at
   * most 40 bytes): a view per SYN and SYN-ACK was ~3 % of the packet thread's garbage on a
   * handshake-dense capture. Nothing keeps `options` past the packet (the JA4T memo copies).
   */
  private readonly optionBytes = new Uint8Array(40);
  private readonly optionViews = Array.from({ length: 41 }, (_, n) => this.optionBytes.subarray(0, n));
  /**
   * What handOffTcp is given, filled again for each conversation: the consumer copies what it
   * keeps during the call (the CLI's job writer does), and the record, the job and the TCP
   * methods' result per conversation were ~14 % of the packet thread's garbage.
   */
  private readonly handOff = {
    record: { stream: 0, transport: 'tcp', protocol: 'other', src: '', dst: '', src_port: 0, dst_port: 0, first_seen_us: 0, last_seen_us: 0, packets: 0, bytes: 0, hellos: [], tls_certs: [], http: [], ja4ssh: [], problems: [] } as ConnectionRecord,
    methods: { ja4ssh: [] } as TcpMethodsResult,
    job: { record: undefined as unknown as ConnectionRecord, sawSyn: false, client: { bytes: EMPTY, runs: [], times: [], truncated: false }, server: { bytes: EMPTY, runs: [], times: [], truncated: false } } as TcpHandOff,
  };
  private scratchPayAt = 0;
  private scratchPayEnd = 0;
  private scratchPending = false;
  /**
   * The sweep's bookkeeping, so it need not visit every known conversation: the open ones, the
   * finished ones (tombstones) by last packet time, and a time before which no open one can be
   * due. A sweep finishes and forgets exactly what a visit of every entry would, in the same order.
   */
  private readonly live = new Set<Conversation>();
  /** Finished conversations (object tombstones) by last packet time; a tombstone's `last` no longer changes. */
  private readonly tombs = new KeyedHeap<Conversation>();
  /** Tombstones of IPv4 TCP conversations that sat in `v4`, as numbers (the usual case; see v4-tombs.ts). */
  private readonly tombs4 = new V4Tombs();
  private nextDue = 0;
  private keyPos = 0;
  private tcpStreams = 0;
  private udpStreams = 0;
  /**
   * Capture time: the latest timestamp seen, or an earlier one when the clock jumps back by more
   * than the idle timeout (a clock step, files joined out of order), so the conversations after
   * the jump are not all idle at once and finished while they go on.
   */
  private now = 0;
  private sinceSweep = 0;
  private readonly secrets: string[] = [];
  private readonly warnCounts = new Map<string, number>();
  readonly warnings: CaptureWarning[] = [];
  private readonly plugins: ConversationPlugin[];
  private readonly finisher: ConversationFinisher;
  /** Payload bytes kept per TCP direction: the TLS limit or more when a plugin asks for more. */
  private readonly keep: number;
  private readonly idle: number;
  private readonly linger: number;
  private readonly perCode: number;
  private ended = false;
  /** Where the current frame's data sits in the reader's buffer and in the file (payload offsets). */
  private frameBase = 0;
  private frameOffset = 0;

  constructor(private readonly opts: CaptureAnalyzerOptions) {
    this.plugins = opts.plugins ?? [];
    this.finisher = new ConversationFinisher({ plugins: this.plugins, keepBytes: opts.keepBytes, lazyFingerprints: opts.lazyFingerprints });
    this.keep = this.plugins.reduce((k, p) => Math.max(k, p.wantsStreamBytes()), opts.tlsBytes ?? 64 * 1024);
    this.idle = opts.idleTimeoutUs ?? 300_000_000;
    this.linger = opts.lingerUs ?? LINGER_US;
    this.perCode = opts.warningsPerCode ?? 20;
    const sink = {
      tcp: (s: TcpSegment) => this.onTcp(s),
      udp: (d: UdpDatagram) => this.onUdp(d),
      note: (code: string, message: string, offset: number) => this.warn({ code, message, offset }),
    };
    this.reader = new CaptureFileReader({
      onFrame: (b, at, cap, frame, linkType, ts, fileOffset) => this.onFrame(b, at, cap, frame, linkType, ts, fileOffset),
      onPacket: (p) => {
        if (p.timestampUs > this.now || this.now - p.timestampUs > this.idle) this.now = p.timestampUs;
        this.frameBase = p.data.byteOffset;
        this.frameOffset = p.fileOffset;
        decodeFrame(p, sink);
        if (++this.sinceSweep >= SWEEP_EVERY) this.sweep(false);
      },
      onWarning: (w) => this.warn(w),
      onSecrets: (text) => { this.secrets.push(text); },
    }, opts.fileName);
  }

  get bytesConsumed(): number {
    return this.reader.bytesConsumed;
  }

  get format(): 'pcap' | 'pcapng' | undefined {
    return this.reader.format;
  }

  /** NSS key log text found in pcapng Decryption Secrets Blocks. */
  get embeddedSecrets(): readonly string[] {
    return this.secrets;
  }

  /** Feed the next bytes of the file. Throws CaptureFormatError when the file is not a capture. */
  push(chunk: Uint8Array): void {
    this.reader.push(chunk);
  }

  /**
   * A live source (a pipe from `tcpdump -U -w -`) has brought no packet for `us` of wall time.
   * Conversations whose linger after FIN/RST, or idle timeout, has passed by then, counted from
   * the last packet's time, are finished now instead of when the next packet comes: on a quiet
   * link that may be minutes later. Capture time itself does not move (the next packet's
   * timestamp sets it, as before), so a late packet of a conversation finished here is absorbed by
   * its tombstone as after any finishing.
   */
  quiet(us: number): void {
    if (this.ended || !(us > 0)) return;
    const now = this.now;
    this.now = now + us;
    try {
      this.sweep(false);
    } finally {
      this.now = now;
    }
  }

  /** End of input: finishes every open conversation. */
  end(): void {
    if (this.ended) return;
    this.ended = true;
    this.reader.end();
    this.sweep(true);
    for (const [code, n] of this.warnCounts) {
      if (n > this.perCode) {
        const w: CaptureWarning = { code, message: `${n - this.perCode} more warnings of kind ${code} not shown`, offset: this.reader.bytesConsumed, ...(this.opts.fileName ? { file: this.opts.fileName } : {}) };
        this.warnings.push(w);
        this.opts.onWarning?.(w);
      }
    }
  }

  private warn(w: CaptureWarning): void {
    const n = (this.warnCounts.get(w.code) ?? 0) + 1;
    this.warnCounts.set(w.code, n);
    if (n > this.perCode) return;
    const full: CaptureWarning = { ...w, ...(this.opts.fileName && !w.file ? { file: this.opts.fileName } : {}) };
    this.warnings.push(full);
    this.opts.onWarning?.(full);
  }

  // ---- conversations ----

  private newConversation(transport: 'tcp' | 'udp', ca: string, cp: number, sa: string, sp: number, ts: number): Conversation {
    const stream = transport === 'tcp' ? this.tcpStreams++ : this.udpStreams++;
    const c: Conversation = { key: '', h4: 0, a4: -1, b4: -1, inTable: false, pos: 0, stream, transport, ca, cp, sa, sp, first: ts, last: ts, packets: 0, bytes: 0, sawSyn: false, finC: false, finS: false, rst: false, closedAt: 0, done: false };
    if (transport === 'tcp') {
      // The record itself is made when the conversation is finished (see recordOf).
      c.c2s = new TcpDirectionStream(this.keep);
      c.s2c = new TcpDirectionStream(this.keep);
      c.ja4plus = new TcpJa4Plus();
    }
    return c;
  }

  /**
   * The fast path for the common packet: Ethernet (VLAN tags too), Linux cooked, BSD loopback or
   * raw IP, carrying an unfragmented IPv4 TCP segment. Reads the headers in place and finds the
   * conversation by numbers; everything else (and anything unusual here) goes to decodeFrame.
   * The checks mirror decode.ts, so both paths see the same segment.
   */
  private onFrame(b: Uint8Array, at: number, cap: number, frame: number, linkType: number, ts: number, fileOffset: number): boolean {
    const end0 = at + cap;
    let q: number;
    if (linkType === 1) {
      if (at + 14 > end0) return false;
      let et = (b[at + 12]! << 8) | b[at + 13]!;
      q = at + 14;
      while ((et === 0x8100 || et === 0x88a8 || et === 0x9100) && q + 4 <= end0) {
        et = (b[q + 2]! << 8) | b[q + 3]!;
        q += 4;
      }
      if (et !== 0x0800) return false;
    } else if (linkType === 113) {
      if (cap < 16 || ((b[at + 14]! << 8) | b[at + 15]!) !== 0x0800) return false;
      q = at + 16;
    } else if (linkType === 276) {
      if (cap < 20 || ((b[at]! << 8) | b[at + 1]!) !== 0x0800) return false;
      q = at + 20;
    } else if (linkType === 0 || linkType === 108) {
      if (cap < 4) return false;
      q = at + 4;
    } else if (linkType === 101 || linkType === 228 || linkType === 12 || linkType === 14) q = at;
    else return false;
    if (q + 20 > end0 || b[q]! >> 4 !== 4 || b[q + 9] !== 6 || (b[q + 6]! & 0x3f) !== 0 || b[q + 7] !== 0) return false;
    const ihl = (b[q]! & 15) * 4;
    const total = (b[q + 2]! << 8) | b[q + 3]!;
    const end = Math.min(end0, total >= ihl ? q + total : end0);
    const t = q + ihl;
    if (t + 20 > end) return false;
    const doff = (b[t + 12]! >> 4) * 4;
    if (doff < 20 || t + doff > end) return false;
    // What onPacket does before decoding.
    if (ts > this.now || this.now - ts > this.idle) this.now = ts;
    this.frameBase = b.byteOffset + at;
    this.frameOffset = fileOffset;
    const s4 = ((b[q + 12]! << 24) | (b[q + 13]! << 16) | (b[q + 14]! << 8) | b[q + 15]!) >>> 0;
    const d4 = ((b[q + 16]! << 24) | (b[q + 17]! << 16) | (b[q + 18]! << 8) | b[q + 19]!) >>> 0;
    const sp = (b[t]! << 8) | b[t + 1]!, dp = (b[t + 2]! << 8) | b[t + 3]!;
    const flags = ((b[t + 12]! & 1) << 8) | b[t + 13]!;
    if ((flags & TCP_SYN) === 0) {
      // A quiet packet: of a finished conversation, or one whose directions keep no more bytes
      // and whose TCP methods are settled (data after the handshake). Only the counters and the
      // FIN/RST state move, exactly as tcpCore would move them.
      const c = this.find4(s4, sp, d4, dp);
      if (c === undefined && this.tombs4.size && this.tombs4.find(hash4(s4, sp, d4, dp), s4, sp, d4, dp) >= 0) {
        // A late packet of a finished conversation.
        if (++this.sinceSweep >= SWEEP_EVERY) this.sweep(false);
        return true;
      }
      if (c !== undefined) {
        const plen = end - (t + doff);
        const fromClient = s4 === c.a4 && sp === c.cp;
        if (c.done || ((plen === 0 || !(fromClient ? c.c2s! : c.s2c!).accepting) && c.ja4plus!.idleFor(flags))) {
          if (!c.done) {
            c.packets++;
            c.bytes += plen;
            if (ts > c.last) c.last = ts;
            if (plen) (fromClient ? c.c2s! : c.s2c!).skip(plen);
            this.flagsEnd(c, fromClient, flags, ts);
          }
          if (++this.sinceSweep >= SWEEP_EVERY) this.sweep(false);
          return true;
        }
      }
    }
    const seg = this.scratch;
    seg.frame = frame; seg.timestampUs = ts; seg.ttl = b[q + 8]!; seg.fileOffset = fileOffset;
    seg.srcPort = sp; seg.dstPort = dp;
    seg.seq = ((b[t + 4]! << 24) | (b[t + 5]! << 16) | (b[t + 6]! << 8) | b[t + 7]!) >>> 0;
    seg.ack = ((b[t + 8]! << 24) | (b[t + 9]! << 16) | (b[t + 10]! << 8) | b[t + 11]!) >>> 0;
    seg.flags = ((b[t + 12]! & 1) << 8) | b[t + 13]!;
    seg.window = (b[t + 14]! << 8) | b[t + 15]!;
    if (seg.flags & TCP_SYN) {
      const ob = this.optionBytes, n = doff - 20;
      for (let k = 0; k < n; k++) ob[k] = b[t + 20 + k]!;
      seg.options = this.optionViews[n]!;
    } else seg.options = EMPTY;
    seg.payload = EMPTY;
    seg.wireLength = Math.max(end, total >= ihl ? q + total : end0) - (t + doff);
    this.scratchBuf = b;
    this.scratchPayAt = t + doff;
    this.scratchPayEnd = end;
    this.scratchPending = end > t + doff;
    this.tcp4(seg, s4, d4, end - (t + doff));
    this.scratchBuf = EMPTY;
    if (++this.sinceSweep >= SWEEP_EVERY) this.sweep(false);
    return true;
  }

  /** Makes the scratch segment's payload view (only when something reads the bytes). */
  private payloadOf(s: TcpSegment): Uint8Array {
    if (s === this.scratch && this.scratchPending) {
      s.payload = this.scratchBuf.subarray(this.scratchPayAt, this.scratchPayEnd);
      this.scratchPending = false;
    }
    return s.payload;
  }

  /** A TCP segment from decodeFrame (tunnels, IPv6, anything the fast path leaves). */
  private onTcp(s: TcpSegment): void {
    if (s.ipVersion === 4) {
      const s4 = ipv4Number(s.src), d4 = ipv4Number(s.dst);
      if (s4 >= 0 && d4 >= 0) return this.tcp4(s, s4, d4, s.payload.length);
    }
    const key = conversationKey('t', s);
    const syn = (s.flags & TCP_SYN) !== 0, ack = (s.flags & TCP_ACK) !== 0;
    let c = this.convs.get(key);
    const old = this.reopened(c, s, syn, ack, c !== undefined && s.src === c.ca && s.srcPort === c.cp);
    if (old) c = undefined;
    if (c?.done) return;
    if (!c) {
      c = this.newTcp(s, syn, ack);
      c.key = key;
      if (old) this.replace(old, c);
      else this.insert(c);
    }
    this.tcpCore(c, s.src === c.ca && s.srcPort === c.cp, s, s.payload.length);
  }

  /**
   * A SYN on addresses and ports of a finished or closing conversation starts a new connection:
   * the old one is finished and returned. So does one on an open conversation whose direction
   * started elsewhere (ports reused without a FIN or RST in the capture; Wireshark starts a new
   * stream then too); a retransmitted SYN (the same sequence number) does not.
   */
  private reopened(c: Conversation | undefined, s: TcpSegment, syn: boolean, ack: boolean, fromClient: boolean): Conversation | undefined {
    if (!c || !syn || ack) return undefined;
    if (c.done || c.closedAt) {
      if (c.isn === s.seq && !c.done) return undefined;
    } else {
      const st = fromClient ? c.c2s : c.s2c;
      if (!st?.started || st.startSeq === ((s.seq + 1) >>> 0)) return undefined;
    }
    if (!c.done) this.finish(c);
    return c;
  }

  /** The IPv4 TCP conversation of an address pair, if known. */
  private find4(s4: number, sp: number, d4: number, dp: number): Conversation | undefined {
    let c = this.v4.get(hash4(s4, sp, d4, dp));
    if (c !== undefined && !((c.a4 === s4 && c.cp === sp && c.b4 === d4 && c.sp === dp) || (c.a4 === d4 && c.cp === dp && c.b4 === s4 && c.sp === sp))) c = undefined;
    if (c === undefined && this.collided > 0) c = this.convs.get(key4(s4, sp, d4, dp));
    return c;
  }

  /** An IPv4 TCP segment, its addresses as numbers. */
  private tcp4(s: TcpSegment, s4: number, d4: number, plen: number): void {
    const sp = s.srcPort, dp = s.dstPort;
    const h = hash4(s4, sp, d4, dp);
    let c = this.find4(s4, sp, d4, dp);
    const syn = (s.flags & TCP_SYN) !== 0, ack = (s.flags & TCP_ACK) !== 0;
    let tomb = c === undefined && this.tombs4.size ? this.tombs4.find(h, s4, sp, d4, dp) : -1;
    // A finished conversation's packet is absorbed by its tombstone, unless it is a SYN (a new connection on the same addresses).
    if (tomb >= 0 && (!syn || ack)) return;
    let old = this.reopened(c, s, syn, ack, c !== undefined && s4 === c.a4 && sp === c.cp);
    if (old) {
      c = undefined;
      // Finished just now (a SYN during its linger), it may have left a tombstone of numbers: taken over below as any other.
      if (old.key === '' && this.v4.get(h) !== old) { tomb = this.tombs4.find(h, s4, sp, d4, dp); old = undefined; }
    }
    if (c?.done) return;
    if (!c) {
      if (s === this.scratch) { s.src = ipv4Text(s4); s.dst = ipv4Text(d4); }
      c = this.newTcp(s, syn, ack);
      const clientIsSrc = c.cp === sp && c.ca === s.src;
      c.a4 = clientIsSrc ? s4 : d4;
      c.b4 = clientIsSrc ? d4 : s4;
      c.h4 = h;
      if (old) this.replace(old, c);
      else if (tomb >= 0) {
        // In the finished one's place (as replace() does for an object tombstone); its slot in
        // `v4` may have been taken by another conversation since.
        c.pos = this.tombs4.take(tomb);
        if (this.v4.get(h) !== undefined) { c.key = key4(s4, sp, d4, dp); this.collided++; }
        this.put(c);
      } else {
        const slot = this.v4.get(h);
        if (slot !== undefined) { c.key = key4(s4, sp, d4, dp); this.collided++; }
        this.insert(c);
      }
    }
    const fromClient = s4 === c.a4 && sp === c.cp;
    if (s === this.scratch) {
      // The conversation's strings are the packet's addresses, as decodeFrame would write them.
      s.src = fromClient ? c.ca : c.sa;
      s.dst = fromClient ? c.sa : c.ca;
    }
    this.tcpCore(c, fromClient, s, plen);
  }

  private newTcp(s: TcpSegment, syn: boolean, ack: boolean): Conversation {
    // Who is the client: the SYN sender; the receiver of a SYN-ACK; else the side not on a
    // well-known port (corrected later by the TLS ClientHello direction).
    let clientIsSrc = true;
    if (syn) clientIsSrc = !ack;
    else if (s.srcPort < 1024 && s.dstPort >= 1024) clientIsSrc = false;
    return clientIsSrc ? this.newConversation('tcp', s.src, s.srcPort, s.dst, s.dstPort, s.timestampUs) : this.newConversation('tcp', s.dst, s.dstPort, s.src, s.srcPort, s.timestampUs);
  }

  private tcpCore(c: Conversation, fromClient: boolean, s: TcpSegment, plen: number): void {
    const flags = s.flags;
    const syn = (flags & TCP_SYN) !== 0, ack = (flags & TCP_ACK) !== 0;
    c.packets++;
    c.bytes += plen;
    if (s.timestampUs > c.last) c.last = s.timestampUs;
    if (syn) {
      c.sawSyn = true;
      if (fromClient && !ack) c.isn ??= s.seq;
      (fromClient ? c.c2s! : c.s2c!).setStart((s.seq + 1) >>> 0);
    }
    const j = c.ja4plus!;
    if (!j.idleFor(flags)) {
      this.payloadOf(s);
      j.push(s, fromClient);
    }
    if (plen) {
      const st = fromClient ? c.c2s! : c.s2c!;
      if (!st.accepting) st.skip(plen);
      else {
        const p = this.payloadOf(s);
        // Data on a SYN (TCP Fast Open) starts after the SYN's own sequence number.
        st.push(syn ? (s.seq + 1) >>> 0 : s.seq, p, s.frame, this.frameOffset + (p.byteOffset - this.frameBase), s.timestampUs);
        if (this.sealing === -1) this.sealing = this.reader.format === 'pcap' && this.plugins.every((x) => x.needsTlsApplicationData?.() === false) ? 1 : 0;
        if (this.sealing === 1 && st.tlsHandshakeDone(fromClient ? 1 : 2)) st.seal();
      }
    }
    this.flagsEnd(c, fromClient, flags, s.timestampUs);
  }

  private flagsEnd(c: Conversation, fromClient: boolean, flags: number, ts: number): void {
    if (flags & TCP_RST) { c.rst = true; this.closed(c, ts); }
    if (flags & TCP_FIN) {
      if (fromClient) c.finC = true; else c.finS = true;
      if (c.finC && c.finS) this.closed(c, ts);
    }
  }

  private onUdp(d: UdpDatagram): void {
    const key = conversationKey('u', d);
    let c = this.convs.get(key);
    if (c?.done) return;
    if (!c) {
      // The first sender is the client, unless it sent from a well-known port to an ephemeral one,
      // or from a DHCP server's port to a DHCP client's (67 to 68; DHCPv6 547 to 546).
      const clientIsSrc = !(d.srcPort < 1024 && d.dstPort >= 1024) && !(d.srcPort === 67 && d.dstPort === 68) && !(d.srcPort === 547 && d.dstPort === 546);
      c = clientIsSrc ? this.newConversation('udp', d.src, d.srcPort, d.dst, d.dstPort, d.timestampUs) : this.newConversation('udp', d.dst, d.dstPort, d.src, d.srcPort, d.timestampUs);
      c.key = key;
      this.insert(c);
    }
    let fromClient = d.src === c.ca && d.srcPort === c.cp;
    c.packets++;
    c.bytes += d.payload.length;
    if (d.timestampUs > c.last) c.last = d.timestampUs;
    const p = d.payload;
    if (c.udpKind === undefined && p.length) {
      if (looksLikeQuicLongHeader(p)) {
        c.udpKind = 'quic';
        // The first sender was taken as the client: not so when what it sent is a server's Initial
        // (a capture that starts after the client's first datagram, or files merged out of step).
        if (c.packets === 1 && fromClient && initialFromClient(p) === false) {
          [c.ca, c.cp, c.sa, c.sp] = [c.sa, c.sp, c.ca, c.cp];
          fromClient = false;
        }
      }
      else if (p.length >= 13 && p[0]! >= 20 && p[0]! <= 23 && p[1] === 0xfe) c.udpKind = 'dtls';
      else c.udpKind = 'other';
    }
    if (c.udpKind === 'quic') {
      c.quic ??= new QuicConversation();
      c.quic.push(d, fromClient);
    } else if (c.udpKind === 'dtls') {
      c.dtls ??= { c: { parts: [], pieces: [], size: 0, cut: 0 }, s: { parts: [], pieces: [], size: 0, cut: 0 } };
      const ch = fromClient ? c.dtls.c : c.dtls.s;
      if (ch.size < UDP_KEEP && p.length) {
        // The datagrams are read as one run of records, and a record never spans datagrams:
        // keep whole records only, so a datagram cut when captured does not run into the next.
        const n = wholeDtlsRecords(p);
        if (n < p.length && plainDtlsHeader(p, n)) ch.cut++;
        if (n) {
          ch.pieces.push({ at: ch.size, length: n, frame: d.frame, fileOffset: this.frameOffset + (p.byteOffset - this.frameBase) });
          ch.parts.push(p.slice(0, n));
          ch.size += n;
        }
      }
    }
  }

  /** A new conversation in its table (`key` set, or '' for its IPv4 hash slot). */
  private insert(c: Conversation): void {
    c.pos = this.keyPos++;
    this.put(c);
    this.open++;
  }

  /** A new conversation taking the place of a finished one with the same addresses and ports (and its place in the order). */
  private replace(old: Conversation, c: Conversation): void {
    old.inTable = false;
    c.pos = old.pos;
    c.key = old.key;
    this.put(c);
  }

  private put(c: Conversation): void {
    if (c.key === '') this.v4.set(c.h4, c);
    else this.convs.set(c.key, c);
    c.inTable = true;
    this.live.add(c);
    this.due(c.last + this.idle);
  }

  /** A tombstone of `tombs4` forgotten. */
  private readonly forgot4 = (): void => { this.open--; };

  private forget(c: Conversation): void {
    if (!c.inTable) return;
    c.inTable = false;
    this.open--;
    if (c.key === '') this.v4.delete(c.h4);
    else {
      this.convs.delete(c.key);
      if (c.a4 >= 0) this.collided--;
    }
  }

  private closed(c: Conversation, ts: number): void {
    if (c.closedAt) return;
    c.closedAt = ts || 1;
    this.due(c.closedAt + this.lingerOf(c));
  }

  private lingerOf(c: Conversation): number {
    return c.ja4plus?.isSsh ? LINGER_US : this.linger;
  }

  /** An open conversation may be due for finishing once capture time passes `t`. */
  private due(t: number): void {
    if (t < this.nextDue) this.nextDue = t;
  }

  private sweep(all: boolean): void {
    this.sinceSweep = 0;
    const now = this.now;
    const open = this.open;
    if (all) {
      const order = [...this.live].sort((a, b) => a.pos - b.pos);
      for (const c of order) this.finish(c);
      this.convs.clear();
      this.v4.clear();
      this.tombs.clear();
      this.tombs4.clear();
      this.open = 0;
      this.collided = 0;
      return;
    }
    // Tombstones not heard from for TOMBSTONE_US are forgotten (those finished in this sweep wait for the next).
    for (let t = this.tombs.peek(); t && now - t.last > TOMBSTONE_US; t = this.tombs.peek()) {
      this.tombs.pop();
      this.forget(t);
    }
    this.tombs4.expire(now - TOMBSTONE_US, this.forgot4);
    const pressure = open > MAX_OPEN;
    if (!pressure && now <= this.nextDue) return;
    let due: Conversation[] | undefined;
    let next = Infinity;
    for (const c of this.live) {
      const closed = c.closedAt && now - c.closedAt > this.lingerOf(c);
      const idle = now - c.last > this.idle;
      if (closed || idle || (pressure && now - c.last > 10_000_000)) (due ??= []).push(c);
      else {
        // `last` only grows between sweeps, so this stays a lower bound until the next one.
        const t = c.closedAt ? Math.min(c.closedAt + this.lingerOf(c), c.last + this.idle) : c.last + this.idle;
        if (t < next) next = t;
      }
    }
    this.nextDue = next;
    if (!due) return;
    if (due.length > 1) due.sort((a, b) => a.pos - b.pos);
    for (const c of due) this.finish(c);
  }

  // ---- finishing a conversation ----

  private finish(c: Conversation): void {
    if (c.done) return;
    c.done = true;
    this.live.delete(c);
    // An IPv4 TCP conversation in its `v4` slot leaves a tombstone of numbers (unless another
    // one holds its hash); any other stays as an object tombstone.
    if (c.key === '' && c.inTable && c.a4 >= 0 && this.v4.get(c.h4) === c && this.tombs4.add(c.h4, c.a4, c.cp, c.b4, c.sp, c.last, c.pos)) {
      this.v4.delete(c.h4);
      c.inTable = false;
    } else this.tombs.push(c.last, c);
    // DTLS: the side that sent the ClientHello is the client, whoever was heard first (a capture
    // that starts at the server's HelloVerifyRequest).
    if (c.dtls && !hasDtlsClientHello(c.dtls.c) && hasDtlsClientHello(c.dtls.s)) {
      [c.ca, c.cp, c.sa, c.sp] = [c.sa, c.sp, c.ca, c.cp];
      c.dtls = { c: c.dtls.s, s: c.dtls.c };
    }
    // A TCP conversation handed off goes out in the one reused record (see handOffTcp).
    const reuse = c.transport === 'tcp' && this.opts.handOffTcp !== undefined;
    const r = (c.record = reuse ? recordInto(this.handOff.record, c) : recordOf(c));
    let handedOff = false;
    try {
      if (c.transport === 'tcp') handedOff = this.finishTcp(c);
      else this.finishUdp(c);
    } catch (e) {
      // Analysers are written not to throw; if one does, the record still goes out with the reason.
      r.problems.push({ severity: 'error', code: 'internal_error', message: `analysis of ${c.transport} stream ${c.stream} failed: ${(e as Error)?.message ?? String(e)}` });
    }
    // Release the buffers; the tombstone only needs its flags.
    c.c2s = c.s2c = undefined;
    c.quic = undefined;
    c.dtls = undefined;
    c.ja4plus = undefined;
    c.record = undefined;
    if (!handedOff) this.opts.onConnection(reuse ? { ...r, hellos: [...r.hellos], tls_certs: [...r.tls_certs], http: [...r.http], ja4ssh: [...r.ja4ssh], problems: [...r.problems] } : r);
  }

  /** Returns true when the conversation was handed to `handOffTcp` (whose consumer emits it). */
  private finishTcp(c: Conversation): boolean {
    const r = c.record!;
    const handOff = this.opts.handOffTcp;
    const h = this.handOff;
    const m = c.ja4plus!.result(handOff ? clearedMethods(h.methods) : undefined);
    if (m.ja4t) r.ja4t = m.ja4t;
    if (m.ja4ts) r.ja4ts = m.ja4ts;
    if (m.ja4l_c) r.ja4l_c = m.ja4l_c;
    if (m.ja4l_s) r.ja4l_s = m.ja4l_s;
    r.ja4ssh = m.ja4ssh;
    if (c.ja4plus!.isSsh) r.protocol = 'ssh';
    if (handOff) {
      h.job.record = r;
      h.job.sawSyn = c.sawSyn;
      c.c2s!.reassembled(h.job.client);
      c.s2c!.reassembled(h.job.server);
      handOff(h.job, this.secrets);
      return true;
    }
    const job: TcpHandOff = { record: r, sawSyn: c.sawSyn, client: c.c2s!.reassembled(), server: c.s2c!.reassembled() };
    this.finisher.finishTcp(finishJobOf(job), this.secrets);
    return false;
  }

  private finishUdp(c: Conversation): void {
    const r = c.record!;
    if (c.quic) {
      const q = c.quic.result();
      r.protocol = 'quic';
      r.hellos = this.opts.keepBytes ? q.hellos : q.hellos.map(({ captured: _drop, ...h }) => h);
      if (q.server_hello) r.server_hello = this.opts.keepBytes ? q.server_hello : (({ captured: _drop, ...s }) => s)(q.server_hello);
      r.tls_server_name = q.tls_server_name;
      if (q.ja4l_c) r.ja4l_c = q.ja4l_c;
      if (q.ja4l_s) r.ja4l_s = q.ja4l_s;
      r.problems.push(...q.problems);
    } else if (c.dtls) {
      r.protocol = 'dtls';
      const cb = joinChunks(c.dtls.c), sb = joinChunks(c.dtls.s);
      if (cb.bytes.length) {
        const p = parseTls(cb.bytes, { tree: false, framing: 'dtls', source: 'client' });
        let cut = 0;
        for (const msg of p.messages) {
          if (msg.kind !== 'client_hello') continue;
          if (msg.truncated) cut++;
          else r.hellos.push(this.finisher.helloRecord(msg as ClientHello, dtlsFrame(p, msg, cb), cb, cb.bytes.length, 'dtls'));
        }
        r.tls_server_name = r.hellos[0]?.tls_server_name ?? null;
        pushProblems(r.problems, p.problems, 'client', { bytes: cb, start: 0 });
        if (cut) r.problems.push(cutHelloProblem('client', 'ClientHello', cut));
      }
      for (const [side, ch] of [['client', c.dtls.c], ['server', c.dtls.s]] as const) {
        if (ch.cut) r.problems.push({ severity: 'warning', code: 'dtls_record_cut', message: `${side}: ${ch.cut} ${ch.cut > 1 ? 'datagrams end' : 'datagram ends'} inside a DTLS record (cut when captured); the cut records are left out` });
      }
      if (sb.bytes.length) {
        const p = parseTls(sb.bytes, { tree: false, framing: 'dtls', source: 'server' });
        if (p.serverHello && !p.serverHello.truncated) r.server_hello = { ...fingerprintServerHello(p.serverHello, { transport: 'dtls' }), frame: dtlsFrame(p, p.serverHello, sb) };
        this.finisher.pushCertificates(r, p.messages, 'server');
        pushProblems(r.problems, p.problems, 'server', { bytes: sb, start: 0 });
        if (p.serverHello?.truncated) r.problems.push(cutHelloProblem('server', 'ServerHello', 1));
      }
    }
  }
}

/** Whether one direction's DTLS records hold a ClientHello (handshake type 1 in a handshake record of epoch 0). */
function hasDtlsClientHello(ch: Chunks): boolean {
  for (const p of ch.parts) {
    for (let at = 0; at + 13 < p.length; at += 13 + ((p[at + 11]! << 8) | p[at + 12]!)) {
      if (p[at] === 22 && p[at + 3] === 0 && p[at + 4] === 0 && p[at + 13] === 1) return true;
    }
  }
  return false;
}

/** Dotted-quad text to a number (-1 when it is not one), as decode.ts writes IPv4 addresses. */
function ipv4Number(s: string): number {
  let n = 0, part = 0, digits = 0, dots = 0;
  for (let i = 0; i < s.length; i++) {
    const ch = s.charCodeAt(i);
    if (ch === 46) {
      if (!digits || part > 255) return -1;
      n = n * 256 + part; part = 0; digits = 0; dots++;
    } else if (ch >= 48 && ch <= 57) { part = part * 10 + (ch - 48); digits++; } else return -1;
  }
  if (dots !== 3 || !digits || part > 255) return -1;
  return n * 256 + part;
}

/**
 * Recent addresses' text by a hash of the address: a capture's server addresses repeat from
 * conversation to conversation, and the same string serves them all.
 */
const V4_TEXT_SLOTS = 1024;
const v4TextKey = new Float64Array(V4_TEXT_SLOTS).fill(-1);
const v4TextVal: string[] = new Array(V4_TEXT_SLOTS).fill('');
function ipv4Text(n: number): string {
  const i = (n ^ (n >>> 10) ^ (n >>> 20)) & (V4_TEXT_SLOTS - 1);
  if (v4TextKey[i] === n) return v4TextVal[i]!;
  const t = `${n >>> 24}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;
  v4TextKey[i] = n;
  v4TextVal[i] = t;
  return t;
}

/** A 32-bit hash of an IPv4 address pair, the same for both directions. */
function hash4(a: number, ap: number, b: number, bp: number): number {
  const lo = a < b || (a === b && ap <= bp);
  const x = lo ? a : b, xp = lo ? ap : bp, y = lo ? b : a, yp = lo ? bp : ap;
  let h = Math.imul(x ^ 0x9e3779b9, 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13) ^ y, 0xc2b2ae35);
  h = Math.imul(h ^ (h >>> 16) ^ ((xp << 16) | yp), 0x27d4eb2f);
  return (h ^ (h >>> 15)) | 0;
}

/** The string key of an IPv4 TCP conversation whose hash slot is taken. */
function key4(a: number, ap: number, b: number, bp: number): string {
  const lo = a < b || (a === b && ap <= bp);
  return lo ? `4|${a}|${ap}|${b}|${bp}` : `4|${b}|${bp}|${a}|${ap}`;
}

/** The same key for both directions of a 4-tuple. */
function conversationKey(kind: 't' | 'u', p: { src: string; dst: string; srcPort: number; dstPort: number }): string {
  const fwd = p.src < p.dst || (p.src === p.dst && p.srcPort <= p.dstPort);
  return fwd ? `${kind}${p.src}|${p.srcPort}|${p.dst}|${p.dstPort}` : `${kind}${p.dst}|${p.dstPort}|${p.src}|${p.srcPort}`;
}


/** The frame that carried a DTLS handshake message (its first fragment when it was reassembled). */
function dtlsFrame(p: TlsParse, msg: HandshakeMessage, b: CapturedBytes): number {
  const at = msg.source === p.sources[0]!.id ? msg.start : p.sources.find((s) => s.id === msg.source)?.pieces?.[0]?.start ?? 0;
  return frameAt(b, at);
}

/**
 * A DTLS record header with the 13-byte layout (content types 20-24; a tls12_cid record or a
 * DTLS 1.3 unified header is laid out otherwise, and only comes after the hellos).
 */
const plainDtlsHeader = (p: Uint8Array, at: number): boolean => isRecordHeader(p, at, true) && p[at]! <= 24;

/** Length of the run of whole DTLS records with that header at the start of a datagram. */
function wholeDtlsRecords(p: Uint8Array): number {
  let off = 0;
  while (off + 13 <= p.length && plainDtlsHeader(p, off)) {
    const end = off + 13 + ((p[off + 11]! << 8) | p[off + 12]!);
    if (end > p.length) break;
    off = end;
  }
  return off;
}

function joinChunks(ch: Chunks): CapturedBytes {
  return { bytes: concatBytes(ch.parts, ch.size), pieces: ch.pieces };
}

/**
 * The hand-off's reused record filled for `c`, as recordOf would make it: the optional members
 * finishTcp sets are cleared, and an array is reused only while empty (a consumer may keep a
 * non-empty one, e.g. the problems).
 */
function recordInto(r: ConnectionRecord, c: Conversation): ConnectionRecord {
  r.stream = c.stream; r.transport = c.transport; r.protocol = 'other'; r.src = c.ca; r.dst = c.sa; r.src_port = c.cp; r.dst_port = c.sp;
  r.first_seen_us = c.first; r.last_seen_us = c.last; r.packets = c.packets; r.bytes = c.bytes;
  if (r.hellos.length) r.hellos = [];
  if (r.tls_certs.length) r.tls_certs = [];
  if (r.http.length) r.http = [];
  if (r.problems.length) r.problems = [];
  if (r.ja4ssh.length) r.ja4ssh = [];
  r.ja4t = r.ja4ts = r.ja4l_c = r.ja4l_s = undefined;
  // Members a consumer may have set in place (finishing the record itself): gone, not undefined,
  // so the record keeps the usual members only.
  if ('tls_server_name' in r) delete r.tls_server_name;
  if ('server_hello' in r) delete r.server_hello;
  return r;
}

/** The reused TCP methods' result emptied (result() writes only what it has). */
function clearedMethods(m: TcpMethodsResult): TcpMethodsResult {
  m.ja4t = m.ja4ts = m.ja4l_c = m.ja4l_s = m.ja4l = m.ja4ls = m.ssh = undefined;
  return m;
}

/** A conversation's record as it stands: addresses, times and counters, nothing analysed yet. */
function recordOf(c: Conversation): ConnectionRecord {
  return {
    stream: c.stream, transport: c.transport, protocol: 'other', src: c.ca, dst: c.sa, src_port: c.cp, dst_port: c.sp,
    first_seen_us: c.first, last_seen_us: c.last, packets: c.packets, bytes: c.bytes, hellos: [], tls_certs: [], http: [], ja4ssh: [], problems: [],
  };
}
