// Writes a classic pcap of N TCP connections, each a real recorded ClientHello and server flight
// (test/fixtures/clients/*/hello.bin, server-flight.bin) carried by SYN, SYN-ACK, ACK, data
// segments of at most 1448 bytes, and FIN: distinct client addresses and ports, correct IPv4 and
// TCP checksums, increasing timestamps. For benchmarks that need many connections, not bytes.
import { closeSync, existsSync, openSync, readdirSync, readFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';

const MSS = 1448;

function sum16(buf, start, end, acc = 0) {
  for (let i = start; i + 1 < end; i += 2) acc += (buf[i] << 8) | buf[i + 1];
  if ((end - start) & 1) acc += buf[end - 1] << 8;
  return acc;
}
const fold = (s) => { while (s > 0xffff) s = (s & 0xffff) + (s >>> 16); return (~s) & 0xffff; };

function packet(src, dst, sport, dport, seq, ack, flags, payload) {
  const tcpLen = 20 + payload.length, ipLen = 20 + tcpLen;
  const d = Buffer.alloc(14 + ipLen);
  d.writeUInt16BE(0x0800, 12);
  d[14] = 0x45; d.writeUInt16BE(ipLen, 16); d[22] = 64; d[23] = 6;
  src.copy(d, 26); dst.copy(d, 30);
  d.writeUInt16BE(fold(sum16(d, 14, 34)), 24);
  const t = 34;
  d.writeUInt16BE(sport, t); d.writeUInt16BE(dport, t + 2); d.writeUInt32BE(seq >>> 0, t + 4); d.writeUInt32BE(ack >>> 0, t + 8);
  d[t + 12] = 0x50; d[t + 13] = flags; d.writeUInt16BE(64240, t + 14);
  payload.copy(d, t + 20);
  let s = sum16(d, 26, 34) + 6 + tcpLen;
  s = sum16(d, t, t + tcpLen, s);
  d.writeUInt16BE(fold(s), t + 16);
  return d;
}

export function templates(root) {
  const base = join(root, 'test/fixtures/clients');
  return readdirSync(base).sort().filter((id) => existsSync(join(base, id, 'hello.bin')) && existsSync(join(base, id, 'server-flight.bin')))
    .map((id) => ({ id, hello: readFileSync(join(base, id, 'hello.bin')), flight: readFileSync(join(base, id, 'server-flight.bin')) }));
}

/** Writes `count` connections to `file`; returns the file size. */
export function writeSynthCapture(file, count, root) {
  const tpl = templates(root);
  const fd = openSync(file, 'w');
  const head = Buffer.alloc(24);
  head.writeUInt32LE(0xa1b2c3d4, 0); head.writeUInt16LE(2, 4); head.writeUInt16LE(4, 6); head.writeUInt32LE(65535, 16); head.writeUInt32LE(1, 20);
  writeSync(fd, head);
  let size = 24, ts = 1_795_000_000_000_000;
  const chunks = [];
  const emit = (d) => {
    const h = Buffer.alloc(16);
    h.writeUInt32LE(Math.floor(ts / 1e6), 0); h.writeUInt32LE(ts % 1e6, 4); h.writeUInt32LE(d.length, 8); h.writeUInt32LE(d.length, 12);
    chunks.push(h, d); size += 16 + d.length; ts += 37;
  };
  const server = Buffer.from([10, 200, 0, 1]);
  for (let i = 0; i < count; i++) {
    const t = tpl[i % tpl.length];
    const client = Buffer.from([10, 1 + ((i >> 16) & 0x7f), (i >> 8) & 0xff, i & 0xff]);
    const sport = 1024 + (i % 60000), dport = 443;
    let c = 1000 + i, s = 5000 + i;
    emit(packet(client, server, sport, dport, c, 0, 0x02, Buffer.alloc(0)));
    emit(packet(server, client, dport, sport, s, c + 1, 0x12, Buffer.alloc(0)));
    c++; s++;
    emit(packet(client, server, sport, dport, c, s, 0x10, Buffer.alloc(0)));
    for (let o = 0; o < t.hello.length; o += MSS) { const seg = t.hello.subarray(o, o + MSS); emit(packet(client, server, sport, dport, c, s, 0x18, seg)); c += seg.length; }
    for (let o = 0; o < t.flight.length; o += MSS) { const seg = t.flight.subarray(o, o + MSS); emit(packet(server, client, dport, sport, s, c, 0x18, seg)); s += seg.length; }
    emit(packet(client, server, sport, dport, c, s, 0x11, Buffer.alloc(0)));
    emit(packet(server, client, dport, sport, s, c + 1, 0x11, Buffer.alloc(0)));
    if (chunks.length > 4096) writeSync(fd, Buffer.concat(chunks.splice(0)));
  }
  writeSync(fd, Buffer.concat(chunks.splice(0)));
  closeSync(fd);
  return { size, templates: tpl.length };
}
