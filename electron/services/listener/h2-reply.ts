// A minimal HTTP/2 server side: server SETTINGS, an ACK of the client's, per answered stream
// HEADERS (:status and content-type as HPACK literals without indexing) and DATA within the
// client's windows, and GOAWAY at the end. Enough to answer a client's requests while the
// listener reads the client's own frames itself.
import type tls from 'node:tls';

function frame(type: number, flags: number, stream: number, payload: Buffer): Buffer {
  const h = Buffer.alloc(9);
  h.writeUIntBE(payload.length, 0, 3);
  h[3] = type;
  h[4] = flags;
  h.writeUInt32BE(stream & 0x7fffffff, 5);
  return Buffer.concat([h, payload]);
}

function literal(nameIndex: number, value: string): Buffer {
  // Literal Header Field without Indexing, indexed name (RFC 7541 6.2.2), 4-bit prefix.
  const v = Buffer.from(value, 'latin1');
  const idx = nameIndex < 15 ? Buffer.from([nameIndex]) : Buffer.from([0x0f, nameIndex - 15]);
  const len = v.length < 127 ? Buffer.from([v.length]) : Buffer.from([0x7f, ...varint(v.length - 127)]);
  return Buffer.concat([idx, len, v]);
}
function varint(n: number): number[] {
  const out: number[] = [];
  while (n >= 128) { out.push((n & 0x7f) | 0x80); n >>>= 7; }
  out.push(n);
  return out;
}

/**
 * The client's flow-control credit (RFC 9113 6.9): how many DATA bytes it has allowed in all so
 * far, on a stream (its SETTINGS_INITIAL_WINDOW_SIZE plus the stream's WINDOW_UPDATEs) and on the
 * connection (65,535 plus the connection's WINDOW_UPDATEs).
 */
export interface FlowCredit {
  stream(id: number): number;
  connection(): number;
}

/**
 * What the server side of one connection has sent: whether its connection preface (its SETTINGS,
 * and the ACK of the client's) went out, which must be the first frame it sends (RFC 9113 3.4),
 * and the streams it granted a byte more (h2GrantOneByte).
 */
export interface ServerPreface { sent: boolean; granted?: Set<number> }

function prefaceFrames(p: ServerPreface): Buffer[] {
  if (p.sent) return [];
  p.sent = true;
  return [frame(4, 0, 0, Buffer.alloc(0)), frame(4, 1, 0, Buffer.alloc(0))];
}

/** A GOAWAY frame: the last stream processed, an error code (RFC 9113 7: 0 NO_ERROR, 1 PROTOCOL_ERROR, 9 COMPRESSION_ERROR, 11 ENHANCE_YOUR_CALM), the reason as debug data. */
function goAwayFrame(lastStream: number, code = 0, reason = ''): Buffer {
  const payload = Buffer.alloc(8);
  payload.writeUInt32BE(lastStream & 0x7fffffff, 0);
  payload.writeUInt32BE(code, 4);
  return frame(7, 0, 0, reason ? Buffer.concat([payload, Buffer.from(reason.slice(0, 256), 'utf8')]) : payload);
}

/** GOAWAY with an error code and the reason, then the end of the connection. */
export function h2GoAway(t: tls.TLSSocket, lastStream: number, code: number, reason: string, p: ServerPreface): void {
  t.end(Buffer.concat([...prefaceFrames(p), goAwayFrame(lastStream, code, reason)]));
}

/** RST_STREAM NO_ERROR on `stream`: the answer is out, and the rest of the request is not wanted (RFC 9113 8.1). */
export function h2ResetStream(t: tls.TLSSocket, stream: number, p: ServerPreface): void {
  t.write(Buffer.concat([...prefaceFrames(p), frame(3, 0, stream, Buffer.alloc(4))]));
}

/** Grants the client one byte more on the connection and on `stream` (once per stream) than its first window of 65,535. */
export function h2GrantOneByte(t: tls.TLSSocket, stream: number, p: ServerPreface): void {
  const done = (p.granted ??= new Set());
  if (done.has(stream)) return;
  const one = Buffer.alloc(4);
  one.writeUInt32BE(1, 0);
  const frames = [...prefaceFrames(p), frame(8, 0, stream, one)];
  if (done.size === 0) frames.push(frame(8, 0, 0, one));
  done.add(stream);
  t.write(Buffer.concat(frames));
}

/**
 * What a connection that stays open owes the client besides answers: the connection window given
 * back for the DATA it sent (`increment`), a stream's for the padding its DATA carried
 * (`streamIncrements`: [stream, bytes]), an ACK for each PING (its opaque data) and for each
 * SETTINGS after the first (the first is ACKed with the server's preface). Nothing is written
 * when nothing is owed.
 */
export function h2Housekeeping(t: tls.TLSSocket, p: ServerPreface, increment: number, pings: readonly Uint8Array[], settingsAcks: number, streamIncrements: readonly [number, number][] = []): void {
  const frames: Buffer[] = [];
  for (const [stream, n] of [[0, increment] as [number, number], ...streamIncrements]) {
    if (n <= 0) continue;
    const inc = Buffer.alloc(4);
    inc.writeUInt32BE(n, 0);
    frames.push(frame(8, 0, stream, inc));
  }
  for (const ping of pings) frames.push(frame(6, 1, 0, Buffer.from(ping)));
  for (let i = 0; i < settingsAcks; i++) frames.push(frame(4, 1, 0, Buffer.alloc(0)));
  if (frames.length) t.write(Buffer.concat([...prefaceFrames(p), ...frames]));
}

/**
 * One answer on one stream. DATA goes out as the client's windows allow, the stream's and the
 * connection's, which the connection's answers share (`sent`): a client with a small window
 * (Node's http2 client can be given 16 KiB) fails the stream when it gets more than it allowed.
 * `pump` sends what fits now; the listener calls it again when the client's frames bring more
 * credit, and ends the connection (GOAWAY) itself.
 */
export class H2Answer {
  private readonly data: Buffer;
  private sentHere = 0;
  private started = false;
  done = false;

  /** `head`: the answer to a HEAD request, HEADERS ending the stream and no DATA (RFC 9113 8.1; the content-length stays). */
  constructor(private readonly t: tls.TLSSocket, readonly stream: number, private readonly status: number, body: string | readonly string[], private readonly type: string, private readonly head: boolean, private readonly credit: FlowCredit, private readonly sent: { connection: number }, private readonly allow?: string, private readonly preface: ServerPreface = { sent: false }) {
    this.data = Buffer.from(typeof body === 'string' ? body : body.join(''), 'utf8');
  }

  /** Sends what the windows allow; true once the whole answer is sent. */
  pump(): boolean {
    if (this.done) return true;
    const out: Buffer[] = [];
    if (!this.started) {
      this.started = true;
      // :status is static entry 8, content-type 31, content-length 28, allow 22.
      const block = Buffer.concat([literal(8, String(this.status)), literal(31, `${this.type}; charset=utf-8`), literal(28, String(this.data.length)), ...(this.allow ? [literal(22, this.allow)] : [])]);
      out.push(...prefaceFrames(this.preface), frame(1, this.head || !this.data.length ? 0x5 : 0x4, this.stream, block));
    }
    if (!this.head) {
      for (;;) {
        const room = Math.min(this.credit.stream(this.stream) - this.sentHere, this.credit.connection() - this.sent.connection);
        if (this.sentHere >= this.data.length || room <= 0) break;
        // 16,384 is the largest frame every client accepts (SETTINGS_MAX_FRAME_SIZE's floor).
        const n = Math.min(16384, this.data.length - this.sentHere, room);
        const last = this.sentHere + n === this.data.length;
        out.push(frame(0, last ? 1 : 0, this.stream, this.data.subarray(this.sentHere, this.sentHere + n)));
        this.sentHere += n;
        this.sent.connection += n;
      }
    }
    this.done = this.head || this.sentHere === this.data.length;
    if (out.length) this.t.write(out.length === 1 ? out[0]! : Buffer.concat(out));
    return this.done;
  }
}
