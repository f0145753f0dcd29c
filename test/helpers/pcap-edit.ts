// Test helpers that rewrite classic pcap files record by record (reorder, duplicate, split,
// byte-swap), so engine tests can start from real captures and derive the damaged variants.
export interface PcapRecord { header: Uint8Array; data: Uint8Array; offset: number }

export function splitPcap(b: Uint8Array): { header: Uint8Array; records: PcapRecord[]; le: boolean } {
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const le = dv.getUint32(0, false) === 0xd4c3b2a1 || dv.getUint32(0, false) === 0x4d3cb2a1;
  const records: PcapRecord[] = [];
  let off = 24;
  while (off + 16 <= b.length) {
    const cap = dv.getUint32(off + 8, le);
    records.push({ header: b.slice(off, off + 16), data: b.slice(off + 16, off + 16 + cap), offset: off });
    off += 16 + cap;
  }
  return { header: b.slice(0, 24), records, le };
}

export function joinPcap(header: Uint8Array, records: { header: Uint8Array; data: Uint8Array }[]): Uint8Array {
  const size = header.length + records.reduce((n, r) => n + 16 + r.data.length, 0);
  const out = new Uint8Array(size);
  out.set(header);
  let at = header.length;
  for (const r of records) {
    out.set(r.header, at);
    out.set(r.data, at + 16);
    at += 16 + r.data.length;
  }
  return out;
}

/** The same capture with every header field in the other byte order. */
export function byteSwapPcap(b: Uint8Array): Uint8Array {
  const { header, records } = splitPcap(b);
  const sw = (x: Uint8Array, offs: [number, number][]): Uint8Array => {
    const y = x.slice();
    for (const [o, n] of offs) y.set(x.subarray(o, o + n).reverse(), o);
    return y;
  };
  const h = sw(header, [[0, 4], [4, 2], [6, 2], [8, 4], [12, 4], [16, 4], [20, 4]]);
  return joinPcap(h, records.map((r) => ({ header: sw(r.header, [[0, 4], [4, 4], [8, 4], [12, 4]]), data: r.data })));
}
