// Batches of finishing jobs in a form that is cheap to post to another thread: the bytes of all
// jobs in one transferred buffer, the numbers in one transferred Float64Array, the strings in
// one array. A structured clone of the jobs as objects (about 30 small objects each) cost more
// than finishing them. Anything a job carries beyond the usual fields (problems, a record
// already holding results) goes along as a cloned object, so nothing is lost.
import { piecesFromRuns } from '../../../core/capture/captured-bytes.js';
import type { ConnectionRecord } from '../../../core/capture/connection.js';
import type { TcpFinishJob, TcpHandOff } from '../../../core/capture/finish-tcp.js';
import { SpareBuffers } from './spare-buffers.js';

export interface JobBatch {
  bytes: ArrayBuffer;
  nums: Float64Array;
  /**
   * The jobs' strings (addresses, JA4T/JA4TS/JA4L, JA4SSH; '\0' for none) joined by newlines:
   * one string crosses to the other thread in one copy, where 1,500 strings a batch had each been
   * serialized and made again (none of these holds a newline: they are IP addresses and
   * fingerprints made of digits, letters, '_', '-', ':' and '.').
   */
  strs: string;
  count: number;
  /** Job index to a record to use as it is (unusual members), or problems to put on the record. */
  extra: [number, ConnectionRecord | ConnectionRecord['problems']][];
}

const PROTOCOLS: ConnectionRecord['protocol'][] = ['other', 'ssh', 'tls', 'quic', 'dtls', 'http'];
/** Members a record has when it is handed over, in the order newConversation creates them. */
const USUAL = new Set(['stream', 'transport', 'protocol', 'src', 'dst', 'src_port', 'dst_port', 'first_seen_us', 'last_seen_us', 'packets', 'bytes', 'hellos', 'tls_certs', 'http', 'ja4ssh', 'problems', 'ja4t', 'ja4ts', 'ja4l_c', 'ja4l_s']);

const MIN_BYTES = 64 * 1024;
const MIN_NUMS = 4096;

export class JobBatchWriter {
  // Sized like the previous batch (see take()): a batch of a download-heavy capture holds a few
  // KB, one of a handshake-dense capture a few MB.
  private bytes = new Uint8Array(MIN_BYTES);
  private bytesAt = 0;
  private nums = new Float64Array(MIN_NUMS);
  private numsAt = 0;
  private strs: string[] = [];
  private extra: JobBatch['extra'] = [];
  private count = 0;
  // Buffers of earlier batches handed back by the finishing thread (on a handshake-dense
  // capture, new ones per batch started about a third of this thread's full collections).
  private readonly spareBytes = new SpareBuffers();
  private readonly spareNums = new SpareBuffers();

  get size(): number {
    return this.count;
  }

  /** Bytes of the jobs added so far. */
  get byteCount(): number {
    return this.bytesAt;
  }

  add(job: TcpHandOff): void {
    const r = job.record;
    const i = this.count++;
    let unusual = r.hellos.length > 0 || r.tls_certs.length > 0 || r.http.length > 0 || r.transport !== 'tcp' || (r.protocol !== 'other' && r.protocol !== 'ssh');
    if (!unusual) for (const k in r) if (!USUAL.has(k)) { unusual = true; break; }
    if (unusual) this.extra.push([i, structuredClone(r)]);
    else if (r.problems.length) this.extra.push([i, r.problems]);
    const c = job.client, s = job.server;
    const cr = c.runs, sr = s.runs;
    this.room(24 + cr.length + sr.length + c.times.length + s.times.length);
    const n = this.nums;
    let a = this.numsAt;
    n[a++] = r.stream; n[a++] = r.src_port; n[a++] = r.dst_port; n[a++] = r.first_seen_us; n[a++] = r.last_seen_us;
    n[a++] = r.packets; n[a++] = r.bytes; n[a++] = PROTOCOLS.indexOf(r.protocol);
    n[a++] = (job.sawSyn ? 1 : 0) | (c.truncated ? 2 : 0) | (s.truncated ? 4 : 0);
    n[a++] = c.bytes.length; n[a++] = s.bytes.length; n[a++] = cr.length >> 2; n[a++] = sr.length >> 2;
    n[a++] = c.times.length; n[a++] = s.times.length; n[a++] = r.ja4ssh.length;
    // The runs are already the pieces' four numbers each (piecesFromRuns makes them on the other side).
    for (let k = 0; k < cr.length; k++) n[a++] = cr[k]!;
    for (let k = 0; k < sr.length; k++) n[a++] = sr[k]!;
    // Index loops and single pushes: here for-of made an iterator per array and the spread an
    // arguments list, per job (~30 MB of the packet thread's garbage on the dense capture).
    const ct = c.times, st = s.times;
    for (let k = 0; k < ct.length; k++) n[a++] = ct[k]!;
    for (let k = 0; k < st.length; k++) n[a++] = st[k]!;
    this.numsAt = a;
    const strs = this.strs;
    strs.push(r.src, r.dst, r.ja4t ?? '\0', r.ja4ts ?? '\0', r.ja4l_c ?? '\0', r.ja4l_s ?? '\0');
    for (let k = 0; k < r.ja4ssh.length; k++) strs.push(r.ja4ssh[k]!);
    this.put(c.bytes);
    this.put(s.bytes);
  }

  /** The batch so far (its buffers are meant to be transferred), and a fresh writer state. */
  take(): { batch: JobBatch; transfer: ArrayBuffer[] } {
    const nums = this.nums.subarray(0, this.numsAt);
    const batch: JobBatch = { bytes: this.bytes.buffer as ArrayBuffer, nums, strs: this.strs.join('\n'), count: this.count, extra: this.extra };
    const transfer = [batch.bytes, nums.buffer as ArrayBuffer];
    this.bytes = new Uint8Array(this.spareBytes.take(Math.max(MIN_BYTES, this.bytesAt + (this.bytesAt >> 2))));
    this.nums = new Float64Array(this.spareNums.take(8 * Math.max(MIN_NUMS, this.numsAt + (this.numsAt >> 2))));
    this.bytesAt = this.numsAt = this.count = 0;
    this.strs = [];
    this.extra = [];
    return { batch, transfer };
  }

  /** Buffers of a finished batch, to be filled again (a few are kept). */
  recycle(bytes: ArrayBuffer, nums: ArrayBuffer): void {
    this.spareBytes.give(bytes);
    this.spareNums.give(nums);
  }

  private room(nums: number): void {
    if (this.numsAt + nums <= this.nums.length) return;
    const next = new Float64Array(Math.max(this.nums.length * 2, this.numsAt + nums));
    next.set(this.nums.subarray(0, this.numsAt));
    this.nums = next;
  }

  private put(b: Uint8Array): void {
    if (this.bytesAt + b.length > this.bytes.length) {
      const next = new Uint8Array(Math.max(this.bytes.length * 2, this.bytesAt + b.length));
      next.set(this.bytes.subarray(0, this.bytesAt));
      this.bytes = next;
    }
    this.bytes.set(b, this.bytesAt);
    this.bytesAt += b.length;
  }
}

/**
 * The jobs of a batch, in order, decoded one at a time as the finishing thread takes them (their
 * bytes are views of the batch's buffer). Decoding the whole batch first kept a few hundred jobs'
 * objects alive across young-generation collections, which then copied and promoted them: on a
 * handshake-dense capture that was most of what the finishing thread's scavenges kept.
 */
export class JobBatchReader {
  private readonly bytes: Uint8Array;
  private readonly extra: Map<number, ConnectionRecord | ConnectionRecord['problems']>;
  private readonly strs: string[];
  private i = 0;
  private a = 0;
  private s = 0;
  private at = 0;

  constructor(private readonly b: JobBatch) {
    this.bytes = new Uint8Array(b.bytes);
    this.extra = new Map(b.extra);
    this.strs = b.strs === '' ? [] : b.strs.split('\n');
  }

  private str(): string | undefined {
    const v = this.strs[this.s++]!;
    return v === '\0' ? undefined : v;
  }

  /** The next job; throws past the last. */
  next(): TcpFinishJob {
    if (this.i >= this.b.count) throw new RangeError(`job batch of ${this.b.count} jobs read past its end`);
    const n = this.b.nums, strs = this.strs, i = this.i++;
    let a = this.a;
    const stream = n[a++]!, src_port = n[a++]!, dst_port = n[a++]!, first = n[a++]!, last = n[a++]!, packets = n[a++]!, nbytes = n[a++]!;
    const protocol = PROTOCOLS[n[a++]!]!;
    const flags = n[a++]!;
    const cLen = n[a++]!, sLen = n[a++]!, cPieces = n[a++]!, sPieces = n[a++]!, cTimes = n[a++]!, sTimes = n[a++]!, sshCount = n[a++]!;
    const cp = piecesFromRuns(n, a, cPieces); a += 4 * cPieces;
    const sp = piecesFromRuns(n, a, sPieces); a += 4 * sPieces;
    const clientTimes: number[] = new Array(cTimes);
    for (let k = 0; k < cTimes; k++) clientTimes[k] = n[a++]!;
    const serverTimes: number[] = new Array(sTimes);
    for (let k = 0; k < sTimes; k++) serverTimes[k] = n[a++]!;
    this.a = a;
    const src = strs[this.s++]!, dst = strs[this.s++]!;
    const ja4t = this.str(), ja4ts = this.str(), ja4l_c = this.str(), ja4l_s = this.str();
    const ja4ssh = strs.slice(this.s, this.s + sshCount); this.s += sshCount;
    const client = { bytes: this.bytes.subarray(this.at, this.at + cLen), pieces: cp };
    this.at += cLen;
    const server = { bytes: this.bytes.subarray(this.at, this.at + sLen), pieces: sp };
    this.at += sLen;
    const x = this.extra.get(i);
    let record: ConnectionRecord;
    if (x && !Array.isArray(x)) record = x;
    else {
      record = {
        stream, transport: 'tcp', protocol, src, dst, src_port, dst_port, first_seen_us: first, last_seen_us: last,
        packets, bytes: nbytes, hellos: [], tls_certs: [], http: [], ja4ssh, problems: x ?? [],
      };
      if (ja4t !== undefined) record.ja4t = ja4t;
      if (ja4ts !== undefined) record.ja4ts = ja4ts;
      if (ja4l_c !== undefined) record.ja4l_c = ja4l_c;
      if (ja4l_s !== undefined) record.ja4l_s = ja4l_s;
    }
    return { record, client, server, clientTruncated: (flags & 2) !== 0, serverTruncated: (flags & 4) !== 0, clientTimes, serverTimes, sawSyn: (flags & 1) !== 0 };
  }
}
