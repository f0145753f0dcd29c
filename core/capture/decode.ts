// Link layer, IP and tunnel decoding: from one captured frame to the TCP segments and UDP
// datagrams inside it (the innermost ones when the frame carries tunnels). Views only, no copies.
import type { PacketMeta, TcpSegment, UdpDatagram } from './packet.js';
import type { RawPacket } from './file-reader.js';

export const LINKTYPE = {
  NULL: 0, ETHERNET: 1, PPP: 9, RAW: 101, LOOP: 108, LINUX_SLL: 113, IPV4: 228, IPV6: 229, LINUX_SLL2: 276, RAW_BSD: 12, RAW_OLD: 14,
  PPP_HDLC: 50, C_HDLC: 104, NFLOG: 239, PKTAP: 258,
} as const;

export interface DecodeSink {
  tcp(seg: TcpSegment): void;
  udp(d: UdpDatagram): void;
  /** Something that could not be decoded, with the byte offset in the file. */
  note(code: string, message: string, fileOffset: number): void;
}

const VXLAN_PORT = 4789, GENEVE_PORT = 6081;
const MAX_DEPTH = 6;

export function decodeFrame(p: RawPacket, sink: DecodeSink): void {
  const d = p.data;
  switch (p.linkType) {
    case LINKTYPE.ETHERNET: return ether(p, d, 0, sink, 0);
    case LINKTYPE.NULL: case LINKTYPE.LOOP: return d.length >= 4 ? ip(p, d, 4, sink, 0) : undefined;
    case LINKTYPE.LINUX_SLL: return d.length >= 16 ? byEthertype(p, d, 16, (d[14]! << 8) | d[15]!, sink, 0) : undefined;
    case LINKTYPE.LINUX_SLL2: return d.length >= 20 ? byEthertype(p, d, 20, (d[0]! << 8) | d[1]!, sink, 0) : undefined;
    case LINKTYPE.RAW: case LINKTYPE.IPV4: case LINKTYPE.IPV6: case LINKTYPE.RAW_BSD: case LINKTYPE.RAW_OLD: return ip(p, d, 0, sink, 0);
    case LINKTYPE.PPP: case LINKTYPE.PPP_HDLC: return ppp(p, d, 0, sink, 0);
    // Cisco HDLC: address, control, then an Ethertype.
    case LINKTYPE.C_HDLC: return d.length >= 4 ? byEthertype(p, d, 4, (d[2]! << 8) | d[3]!, sink, 0) : undefined;
    case LINKTYPE.NFLOG: return nflog(p, d, sink);
    case LINKTYPE.PKTAP: return pktap(p, d, sink);
    default: sink.note('unknown_link_type', `frame ${p.frame}: link type ${p.linkType} is not supported`, p.fileOffset);
  }
}

/** PPP (RFC 1661; in HDLC-like framing, RFC 1662, with address 0xff and control 0x03): IPv4 0x0021, IPv6 0x0057. */
function ppp(p: RawPacket, d: Uint8Array, at: number, sink: DecodeSink, depth: number): void {
  if (at + 2 <= d.length && d[at] === 0xff && d[at + 1] === 0x03) at += 2;
  if (at >= d.length) return;
  // The protocol field is one byte when its first byte is odd (address-and-control / protocol field compression).
  const proto = d[at]! & 1 ? d[at]! : at + 2 <= d.length ? (d[at]! << 8) | d[at + 1]! : -1;
  const q = at + (d[at]! & 1 ? 1 : 2);
  if (proto === 0x21 || proto === 0x57) ip(p, d, q, sink, depth);
}

/** Linux NFLOG (tcpdump -i nflog:N): a 4-byte header, then TLVs (little-endian length and type); type 9 holds the IP packet. */
function nflog(p: RawPacket, d: Uint8Array, sink: DecodeSink): void {
  for (let at = 4; at + 4 <= d.length;) {
    const len = d[at]! | (d[at + 1]! << 8), type = d[at + 2]! | (d[at + 3]! << 8);
    if (len < 4) return;
    if (type === 9) return ip(p, d.subarray(0, Math.min(d.length, at + len)), at + 4, sink, 0);
    at += (len + 3) & ~3;
  }
}

const u32le = (d: Uint8Array, at: number): number => (d[at]! | (d[at + 1]! << 8) | (d[at + 2]! << 16) | (d[at + 3]! << 24)) >>> 0;

/**
 * Apple's PKTAP (macOS `tcpdump -i pktap`, `-k`): a little-endian header (struct pktap_header):
 * its length, the type of what follows (1: a packet), the packet's link type, then the interface
 * and process metadata.
 */
function pktap(p: RawPacket, d: Uint8Array, sink: DecodeSink): void {
  if (d.length < 12) return;
  const hlen = u32le(d, 0), next = u32le(d, 4), dlt = u32le(d, 8);
  if (hlen < 12 || hlen > d.length || next !== 1 || dlt === LINKTYPE.PKTAP) return;
  decodeFrame({ ...p, linkType: dlt, data: d.subarray(hlen), fileOffset: p.fileOffset + hlen }, sink);
}

function ether(p: RawPacket, d: Uint8Array, at: number, sink: DecodeSink, depth: number): void {
  if (at + 14 > d.length) return;
  let et = (d[at + 12]! << 8) | d[at + 13]!;
  let q = at + 14;
  // 802.1Q, 802.1ad (QinQ) and the old 0x9100 tag.
  while ((et === 0x8100 || et === 0x88a8 || et === 0x9100) && q + 4 <= d.length) {
    et = (d[q + 2]! << 8) | d[q + 3]!;
    q += 4;
  }
  byEthertype(p, d, q, et, sink, depth);
}

function byEthertype(p: RawPacket, d: Uint8Array, at: number, et: number, sink: DecodeSink, depth: number): void {
  if (et === 0x0800 || et === 0x86dd) ip(p, d, at, sink, depth);
  else if (et === 0x8100 || et === 0x88a8) {
    if (at + 4 <= d.length) byEthertype(p, d, at + 4, (d[at + 2]! << 8) | d[at + 3]!, sink, depth);
  } else if (et === 0x8847 || et === 0x8848) mpls(p, d, at, sink, depth);
  // PPPoE session stage (RFC 2516): a 6-byte header, then PPP's protocol field.
  else if (et === 0x8864) { if (at + 6 <= d.length) ppp(p, d, at + 6, sink, depth); }
}

/**
 * An MPLS label stack (RFC 3032), to its bottom-of-stack label; then IPv4 or IPv6 by the version
 * nibble, or an Ethernet pseudowire (RFC 4448) after its control word (first nibble 0).
 */
function mpls(p: RawPacket, d: Uint8Array, at: number, sink: DecodeSink, depth: number): void {
  if (depth > MAX_DEPTH) return;
  for (let n = 0; n < 16 && at + 4 <= d.length; n++) {
    const bottom = (d[at + 2]! & 1) !== 0;
    at += 4;
    if (!bottom) continue;
    if (at >= d.length) return;
    const nib = d[at]! >> 4;
    if (nib === 4 || nib === 6) return ip(p, d, at, sink, depth);
    if (nib === 0) return ether(p, d, at + 4, sink, depth + 1);
    return;
  }
}

function ip(p: RawPacket, d: Uint8Array, at: number, sink: DecodeSink, depth: number): void {
  if (depth > MAX_DEPTH || at >= d.length) return;
  const v = d[at]! >> 4;
  let proto: number, ttl: number, src: string, dst: string, q: number, end: number, wireEnd: number;
  if (v === 4) {
    if (at + 20 > d.length) return;
    const ihl = (d[at]! & 15) * 4;
    const total = (d[at + 2]! << 8) | d[at + 3]!;
    // wireEnd: where the IP header says the packet ends (beyond `end` when the capture cut it).
    wireEnd = total >= ihl ? at + total : d.length;
    end = Math.min(d.length, wireEnd);
    const fragOff = ((d[at + 6]! & 0x1f) << 8) | d[at + 7]!;
    const more = (d[at + 6]! & 0x20) !== 0;
    ttl = d[at + 8]!;
    proto = d[at + 9]!;
    src = `${d[at + 12]}.${d[at + 13]}.${d[at + 14]}.${d[at + 15]}`;
    dst = `${d[at + 16]}.${d[at + 17]}.${d[at + 18]}.${d[at + 19]}`;
    q = at + ihl;
    if (fragOff !== 0 || more) {
      sink.note('ip_fragment', `frame ${p.frame}: IPv4 fragment (${src} > ${dst}, offset ${fragOff * 8}${more ? ', more follow' : ''}) is not reassembled`, p.fileOffset + at);
      return;
    }
  } else if (v === 6) {
    if (at + 40 > d.length) return;
    const plen = (d[at + 4]! << 8) | d[at + 5]!;
    // Payload length 0 with a hop-by-hop header: a jumbogram (RFC 2675; Linux BIG TCP sends them
    // over 64 KiB), whose length is in the Jumbo Payload option: read to the end of the frame.
    wireEnd = plen === 0 && d[at + 6] === 0 ? d.length : at + 40 + plen;
    end = Math.min(d.length, wireEnd);
    proto = d[at + 6]!;
    ttl = d[at + 7]!;
    src = ipv6Text(d, at + 8);
    dst = ipv6Text(d, at + 24);
    q = at + 40;
    // Extension headers: hop-by-hop, routing, destination options, fragment, AH.
    for (let guard = 0; guard < 10; guard++) {
      if (proto === 0 || proto === 43 || proto === 60) {
        if (q + 2 > end) return;
        proto = d[q]!;
        q += (d[q + 1]! + 1) * 8;
      } else if (proto === 44) {
        if (q + 8 > end) return;
        const off = ((d[q + 2]! << 8) | d[q + 3]!) >> 3;
        const more = (d[q + 3]! & 1) !== 0;
        if (off !== 0 || more) {
          sink.note('ip_fragment', `frame ${p.frame}: IPv6 fragment (${src} > ${dst}, offset ${off * 8}${more ? ', more follow' : ''}) is not reassembled`, p.fileOffset + at);
          return;
        }
        proto = d[q]!;
        q += 8;
      } else if (proto === 51) {
        if (q + 2 > end) return;
        proto = d[q]!;
        q += (d[q + 1]! + 2) * 4;
      } else break;
    }
  } else return;
  if (q > end) return;
  const meta: PacketMeta = { frame: p.frame, timestampUs: p.timestampUs, ipVersion: v as 4 | 6, ttl, src, dst, fileOffset: p.fileOffset };
  if (proto === 6) tcp(meta, d, q, end, sink, wireEnd);
  else if (proto === 17) udp(p, meta, d, q, end, sink, depth);
  else if (proto === 47) gre(p, d, q, end, sink, depth);
  else if (proto === 4 || proto === 41) ip(p, d.subarray(0, end), q, sink, depth + 1);
}

function tcp(meta: PacketMeta, d: Uint8Array, q: number, end: number, sink: DecodeSink, wireEnd = end): void {
  if (q + 20 > end) return;
  const doff = (d[q + 12]! >> 4) * 4;
  if (doff < 20) return;
  // The options cut off by the snaplen: the segment still counts (as tshark counts it), without
  // payload and marked, so that no JA4T is made of part of its options.
  const cut = q + doff > end;
  const optEnd = cut ? end : q + doff;
  sink.tcp({
    frame: meta.frame, timestampUs: meta.timestampUs, ipVersion: meta.ipVersion, ttl: meta.ttl, src: meta.src, dst: meta.dst, fileOffset: meta.fileOffset,
    srcPort: (d[q]! << 8) | d[q + 1]!,
    dstPort: (d[q + 2]! << 8) | d[q + 3]!,
    seq: ((d[q + 4]! << 24) | (d[q + 5]! << 16) | (d[q + 6]! << 8) | d[q + 7]!) >>> 0,
    ack: ((d[q + 8]! << 24) | (d[q + 9]! << 16) | (d[q + 10]! << 8) | d[q + 11]!) >>> 0,
    flags: ((d[q + 12]! & 1) << 8) | d[q + 13]!,
    window: (d[q + 14]! << 8) | d[q + 15]!,
    options: d.subarray(q + 20, optEnd),
    payload: d.subarray(optEnd, end),
    wireLength: Math.max(0, Math.max(end, wireEnd) - (q + doff)),
    ...(cut ? { optionsCut: true } : {}),
  });
}

function udp(p: RawPacket, meta: PacketMeta, d: Uint8Array, q: number, end: number, sink: DecodeSink, depth: number): void {
  if (q + 8 > end) return;
  const srcPort = (d[q]! << 8) | d[q + 1]!, dstPort = (d[q + 2]! << 8) | d[q + 3]!;
  const len = (d[q + 4]! << 8) | d[q + 5]!;
  const stop = len >= 8 ? Math.min(end, q + len) : end;
  const payload = d.subarray(q + 8, stop);
  // VXLAN and Geneve carry whole Ethernet frames; decode the inner frame instead.
  if ((dstPort === VXLAN_PORT || srcPort === VXLAN_PORT) && payload.length >= 8 + 14 && (payload[0]! & 0x08)) {
    return ether(p, d.subarray(0, stop), q + 16, sink, depth + 1);
  }
  if ((dstPort === GENEVE_PORT || srcPort === GENEVE_PORT) && payload.length >= 8) {
    const optLen = (payload[0]! & 0x3f) * 4;
    const ptype = (payload[2]! << 8) | payload[3]!;
    const inner = q + 8 + 8 + optLen;
    if (ptype === 0x6558) return ether(p, d.subarray(0, stop), inner, sink, depth + 1);
    if (ptype === 0x0800 || ptype === 0x86dd) return ip(p, d.subarray(0, stop), inner, sink, depth + 1);
  }
  sink.udp({ frame: meta.frame, timestampUs: meta.timestampUs, ipVersion: meta.ipVersion, ttl: meta.ttl, src: meta.src, dst: meta.dst, fileOffset: meta.fileOffset, srcPort, dstPort, payload });
}

function gre(p: RawPacket, d: Uint8Array, q: number, end: number, sink: DecodeSink, depth: number): void {
  if (q + 4 > end) return;
  const flags = (d[q]! << 8) | d[q + 1]!;
  const et = (d[q + 2]! << 8) | d[q + 3]!;
  let r = q + 4 + (flags & 0x8000 ? 4 : 0) + (flags & 0x2000 ? 4 : 0) + (flags & 0x1000 ? 4 : 0);
  const inner = d.subarray(0, end);
  if (et === 0x0800 || et === 0x86dd) return ip(p, inner, r, sink, depth + 1);
  if (et === 0x6558) return ether(p, inner, r, sink, depth + 1);
  if (et === 0x8847 || et === 0x8848) return mpls(p, inner, r, sink, depth + 1);
  if (et === 0x88be) {
    // ERSPAN type II (8-byte header) when GRE has a sequence number, else type I (no header).
    if (flags & 0x1000) r += 8;
    return ether(p, inner, r, sink, depth + 1);
  }
  if (et === 0x22eb) {
    // ERSPAN type III: 12-byte header, plus 8 bytes of platform-specific subheader when O is set.
    if (r + 12 > end) return;
    const o = d[r + 11]! & 1;
    return ether(p, inner, r + 12 + (o ? 8 : 0), sink, depth + 1);
  }
}

const HEXW: string[] = [];
/** RFC 5952 text form of an IPv6 address (hot path: no arrays, no joins). */
export function ipv6Text(d: Uint8Array, at: number): string {
  // Longest run of zero groups (length >= 2), first one on ties.
  let best = -1, bestLen = 0;
  for (let i = 0; i < 8;) {
    if (d[at + 2 * i] !== 0 || d[at + 2 * i + 1] !== 0) { i++; continue; }
    let j = i;
    while (j < 8 && d[at + 2 * j] === 0 && d[at + 2 * j + 1] === 0) j++;
    if (j - i > bestLen) { best = i; bestLen = j - i; }
    i = j;
  }
  if (bestLen < 2) best = -1;
  let s = '';
  for (let i = 0; i < 8; i++) {
    if (i === best) {
      s += i === 0 ? '::' : ':';
      i += bestLen - 1;
      continue;
    }
    const g = (d[at + 2 * i]! << 8) | d[at + 2 * i + 1]!;
    s += (HEXW[g] ??= g.toString(16));
    if (i < 7) s += ':';
  }
  return s;
}
