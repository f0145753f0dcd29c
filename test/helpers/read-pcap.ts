// Test-only capture reader: pcap/pcapng -> TcpSegment / UdpDatagram, enough for the JA4+ unit
// tests (Ethernet with VLANs, BSD null, Linux cooked v1/v2, raw IP; IPv4/IPv6; GRE; UDP tunnels
// VXLAN/Geneve are not needed). The product's reader lives in core/capture (capture helper).
import { readFileSync } from 'node:fs';
import type { TcpSegment, UdpDatagram } from '../../core/capture/packet.js';

export type Packet = ({ kind: 'tcp' } & TcpSegment) | ({ kind: 'udp' } & UdpDatagram);

interface Frame { frame: number; tsUs: number; link: number; data: Uint8Array; fileOffset: number }

function* frames(buf: Uint8Array): Generator<Frame> {
  const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const magic = dv.getUint32(0, false);
  let n = 0;
  if (magic === 0x0a0d0d0a) {
    let le = true;
    let off = 0;
    const ifaces: { link: number; tsres: number }[] = [];
    while (off + 12 <= buf.length) {
      const type = dv.getUint32(off, le);
      if (type === 0x0a0d0d0a) {
        le = dv.getUint32(off + 8, true) === 0x1a2b3c4d;
        ifaces.length = 0;
      }
      const len = dv.getUint32(off + 4, le);
      if (len < 12 || off + len > buf.length) break;
      if (type === 1) {
        let tsres = 6;
        let o = off + 16;
        while (o + 4 <= off + len - 4) {
          const code = dv.getUint16(o, le), olen = dv.getUint16(o + 2, le);
          if (code === 0) break;
          if (code === 9) tsres = buf[o + 4]!;
          o += 4 + ((olen + 3) & ~3);
        }
        ifaces.push({ link: dv.getUint16(off + 8, le), tsres });
      } else if (type === 6) {
        const iface = ifaces[dv.getUint32(off + 8, le)]!;
        const ts = dv.getUint32(off + 12, le) * 2 ** 32 + dv.getUint32(off + 16, le);
        const cap = dv.getUint32(off + 20, le);
        const us = iface.tsres & 0x80 ? ts / 2 ** (iface.tsres & 0x7f) * 1e6 : ts / 10 ** iface.tsres * 1e6;
        yield { frame: ++n, tsUs: Math.floor(us), link: iface.link, data: buf.subarray(off + 28, off + 28 + cap), fileOffset: off + 28 };
      } else if (type === 3) {
        yield { frame: ++n, tsUs: 0, link: ifaces[0]!.link, data: buf.subarray(off + 12, off + len - 4), fileOffset: off + 12 };
      }
      off += len;
    }
    return;
  }
  const le = magic === 0xd4c3b2a1 || magic === 0x4d3cb2a1;
  const nano = magic === 0x4d3cb2a1 || magic === 0xa1b23c4d;
  const link = dv.getUint32(20, le) & 0xffff;
  let off = 24;
  while (off + 16 <= buf.length) {
    const sec = dv.getUint32(off, le), frac = dv.getUint32(off + 4, le), cap = dv.getUint32(off + 8, le);
    if (off + 16 + cap > buf.length) break;
    yield { frame: ++n, tsUs: sec * 1e6 + (nano ? Math.floor(frac / 1000) : frac), link, data: buf.subarray(off + 16, off + 16 + cap), fileOffset: off + 16 };
    off += 16 + cap;
  }
}

function ip(f: Frame, d: Uint8Array, at: number, out: Packet[], depth = 0): void {
  if (depth > 4 || at >= d.length) return;
  const v = d[at]! >> 4;
  let proto: number, src: string, dst: string, ttl: number, p: number, end: number;
  if (v === 4) {
    const ihl = (d[at]! & 15) * 4;
    end = Math.min(d.length, at + ((d[at + 2]! << 8) | d[at + 3]!));
    ttl = d[at + 8]!;
    proto = d[at + 9]!;
    src = Array.from(d.subarray(at + 12, at + 16)).join('.');
    dst = Array.from(d.subarray(at + 16, at + 20)).join('.');
    p = at + ihl;
  } else if (v === 6) {
    end = Math.min(d.length, at + 40 + ((d[at + 4]! << 8) | d[at + 5]!));
    proto = d[at + 6]!;
    ttl = d[at + 7]!;
    src = v6(d.subarray(at + 8, at + 24));
    dst = v6(d.subarray(at + 24, at + 40));
    p = at + 40;
    while (proto === 0 || proto === 43 || proto === 60) {
      proto = d[p]!;
      p += (d[p + 1]! + 1) * 8;
    }
  } else return;
  const meta = { frame: f.frame, timestampUs: f.tsUs, ipVersion: v as 4 | 6, ttl, src, dst, fileOffset: f.fileOffset };
  const dv = new DataView(d.buffer, d.byteOffset, d.byteLength);
  if (proto === 6) {
    const doff = (d[p + 12]! >> 4) * 4;
    out.push({
      kind: 'tcp', ...meta, srcPort: dv.getUint16(p), dstPort: dv.getUint16(p + 2), seq: dv.getUint32(p + 4), ack: dv.getUint32(p + 8),
      flags: dv.getUint16(p + 12) & 0x1ff, window: dv.getUint16(p + 14), options: d.subarray(p + 20, p + doff), payload: d.subarray(p + doff, end),
    });
  } else if (proto === 17) {
    out.push({ kind: 'udp', ...meta, srcPort: dv.getUint16(p), dstPort: dv.getUint16(p + 2), payload: d.subarray(p + 8, Math.min(end, p + dv.getUint16(p + 4))) });
  } else if (proto === 47) {
    const flags = dv.getUint16(p), et = dv.getUint16(p + 2);
    let q = p + 4 + (flags & 0x8000 ? 4 : 0) + (flags & 0x2000 ? 4 : 0) + (flags & 0x1000 ? 4 : 0);
    if (et === 0x0800 || et === 0x86dd) ip(f, d, q, out, depth + 1);
    else if (et === 0x6558) ether(f, d, q, out, depth + 1);
    else if (et === 0x88be) { q += 8; ether(f, d, q, out, depth + 1); }
  } else if (proto === 4 || proto === 41) ip(f, d, p, out, depth + 1);
}

function v6(b: Uint8Array): string {
  const g: string[] = [];
  for (let i = 0; i < 16; i += 2) g.push(((b[i]! << 8) | b[i + 1]!).toString(16));
  let best = -1, bestLen = 0;
  for (let i = 0; i < 8; i++) {
    let j = i;
    while (j < 8 && g[j] === '0') j++;
    if (j - i > bestLen && j - i > 1) { best = i; bestLen = j - i; }
  }
  if (best < 0) return g.join(':');
  return `${g.slice(0, best).join(':')}::${g.slice(best + bestLen).join(':')}`;
}

function ether(f: Frame, d: Uint8Array, at: number, out: Packet[], depth = 0): void {
  let et = (d[at + 12]! << 8) | d[at + 13]!;
  let p = at + 14;
  while (et === 0x8100 || et === 0x88a8) { et = (d[p + 2]! << 8) | d[p + 3]!; p += 4; }
  if (et === 0x0800 || et === 0x86dd) ip(f, d, p, out, depth);
}

/** Every TCP segment and UDP datagram of a capture, in file order. */
export function readPackets(path: string): Packet[] {
  const out: Packet[] = [];
  for (const f of frames(new Uint8Array(readFileSync(path)))) {
    const d = f.data;
    if (f.link === 1) ether(f, d, 0, out);
    else if (f.link === 0 || f.link === 108) ip(f, d, 4, out);
    else if (f.link === 113) ip(f, d, 16, out);
    else if (f.link === 276) ip(f, d, 20, out);
    else if (f.link === 101 || f.link === 228 || f.link === 229 || f.link === 12) ip(f, d, 0, out);
  }
  return out;
}
