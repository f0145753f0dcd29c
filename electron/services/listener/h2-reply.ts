// A minimal HTTP/2 server side for one response: server SETTINGS, an ACK of the client's,
// HEADERS (:status and content-type as HPACK literals without indexing), DATA, GOAWAY, close.
// Enough to answer each client once while the listener reads the client's own frames itself.
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

/** `head`: the answer to a HEAD request, HEADERS ending the stream and no DATA (RFC 9113 8.1; the content-length stays). */
export function h2Reply(t: tls.TLSSocket, stream: number, status: number, body: string, type: string, head = false): void {
  const data = Buffer.from(body, 'utf8');
  // :status is static entry 8, content-type 31, content-length 28.
  const block = Buffer.concat([literal(8, String(status)), literal(31, `${type}; charset=utf-8`), literal(28, String(data.length))]);
  const out = [frame(4, 0, 0, Buffer.alloc(0)), frame(4, 1, 0, Buffer.alloc(0)), frame(1, head ? 0x5 : 0x4, stream, block)];
  for (let i = 0; !head && (i < data.length || i === 0); i += 16384) {
    const last = i + 16384 >= data.length;
    out.push(frame(0, last ? 1 : 0, stream, data.subarray(i, i + 16384)));
    if (last) break;
  }
  const goaway = Buffer.alloc(8);
  goaway.writeUInt32BE(stream, 0);
  out.push(frame(7, 0, 0, goaway));
  t.end(Buffer.concat(out));
}
