// Streaming reader for pcap and pcapng files: feed it the file's bytes in chunks of any size and
// it calls back once per packet, with a view of the packet data and where it sits in the file.
// Only an incomplete block is carried between chunks, so memory does not grow with the file.
import { hex8 } from '../bytes/hex.js';

const spacedHex = (b: Uint8Array): string => Array.from(b, hex8).join(' ');

export interface RawPacket {
  /** 1-based frame number, counted over every packet block (as Wireshark numbers frames). */
  frame: number;
  /** Link-layer type (LINKTYPE_* value). */
  linkType: number;
  /** Microseconds since the Unix epoch. */
  timestampUs: number;
  /** Captured bytes (a view: copy to keep). */
  data: Uint8Array;
  originalLength: number;
  /** Offset of `data` in the file. */
  fileOffset: number;
  /** pcapng interface id (0 for pcap). */
  interfaceId: number;
}

export interface CaptureWarning {
  /** Stable code: `truncated_file`, `bad_length`, `snaplen_cut`, `block_overrun`, `resync`, `unknown_link_type`, `ip_fragment`... */
  code: string;
  message: string;
  file?: string;
  /** Byte offset in the file. */
  offset: number;
  frame?: number;
}

/** The input is neither pcap nor pcapng. */
export class CaptureFormatError extends Error {
  override readonly name = 'CaptureFormatError';
  readonly offset = 0;
  constructor(readonly magic: string, readonly file?: string) {
    const packed = compressionOfMagic(magic);
    super(`${file ? file + ': ' : ''}not a pcap or pcapng capture: the file starts with ${magic || 'nothing (empty file)'} at offset 0, expected a pcap magic (a1 b2 c3 d4 / d4 c3 b2 a1, a1 b2 3c 4d / 4d 3c b2 a1, a1 b2 cd 34 / 34 cd b2 a1) or a pcapng Section Header Block (0a 0d 0d 0a)${packed ? `; it looks ${packed.name}-compressed: decompress it first (${packed.tool})` : ''}`);
  }
}

/** Compressed-file magics (as spaced hex) a capture is often shipped in. */
const COMPRESSED: [string, { name: string; tool: string }][] = [
  ['1f 8b', { name: 'gzip', tool: 'gunzip' }],
  ['28 b5 2f fd', { name: 'zstd', tool: 'zstd -d' }],
  ['fd 37 7a 58 5a 00', { name: 'xz', tool: 'xz -d' }],
  ['42 5a 68', { name: 'bzip2', tool: 'bunzip2' }],
  ['04 22 4d 18', { name: 'lz4', tool: 'lz4 -d' }],
  ['50 4b 03 04', { name: 'zip', tool: 'unzip' }],
];
function compressionOfMagic(magic: string): { name: string; tool: string } | undefined {
  return COMPRESSED.find(([m]) => magic.startsWith(m))?.[1];
}

export type CaptureFormat = 'pcap' | 'pcapng';

export interface CaptureReaderEvents {
  onPacket(p: RawPacket): void;
  /**
   * Optional fast path, tried before onPacket: the packet as numbers and a range of `buf`
   * (valid only during the call), without a RawPacket or a view being made. Return true when
   * handled; on false the reader calls onPacket with the same packet.
   */
  onFrame?(buf: Uint8Array, at: number, caplen: number, frame: number, linkType: number, timestampUs: number, fileOffset: number): boolean;
  onWarning(w: CaptureWarning): void;
  /** pcapng Decryption Secrets Block with TLS key log text. */
  onSecrets?(text: string, offset: number): void;
}

const PCAPNG_SHB = 0x0a0d0d0a;
/** The smallest length of a pcapng block of each type that is read: its fixed fields and the two lengths. */
const MIN_BLOCK: Record<number, number> = { [PCAPNG_SHB]: 28, 1: 20, 2: 32, 3: 16, 6: 32, 10: 20 };
const BLOCK_NAMES: Record<number, string> = { [PCAPNG_SHB]: 'Section Header Block', 1: 'Interface Description Block', 2: 'Packet Block', 3: 'Simple Packet Block', 6: 'Enhanced Packet Block', 10: 'Decryption Secrets Block' };
const BOM = 0x1a2b3c4d;
/** Block types the reader knows (a search after damage accepts only these). */
const knownBlockType = (type: number): boolean => type === PCAPNG_SHB || (type >= 1 && type <= 10) || type === 0x80000001;
/** Sanity bound for one packet record: larger lengths are treated as corruption. */
const MAX_RECORD = 16 * 1024 * 1024;
/** How much of a new chunk is joined with a record left over from the previous one. */
const JOIN_HEAD = 256 * 1024;

/**
 * A 64-bit count of 1/`units` s ticks (high and low 32 bits) as microseconds, exactly: long
 * division in 16-bit steps, each exact in a double (for `units` up to 2^37).
 */
function ticksToUs(hi: number, lo: number, units: number): number {
  let sec = 0, rem = 0;
  for (let i = 0; i < 4; i++) {
    const x = rem * 65536 + (i === 0 ? hi >>> 16 : i === 1 ? hi & 0xffff : i === 2 ? lo >>> 16 : lo & 0xffff);
    const q = Math.floor(x / units);
    rem = x - q * units;
    sec = sec * 65536 + q;
  }
  return sec * 1e6 + Math.floor((rem * 1e6) / units);
}

export class CaptureFileReader {
  format: CaptureFormat | undefined;
  private pending: Uint8Array = new Uint8Array(0);
  /** Where a record cut by a chunk boundary is joined with the next chunk (reused: no allocation per chunk). */
  private work: Uint8Array = new Uint8Array(0);
  /** File offset of pending[0]. */
  private base = 0;
  private frame = 0;
  private le = true;
  // pcap
  private nano = false;
  /** Bytes of a pcap record header: 16, or 24 in the "modified" pcap format. */
  private recordHeader = 16;
  private linkType = 1;
  private snaplen = 0;
  private lastTsSec = -1;
  // pcapng
  private ifaces: { linkType: number; tsDiv: number; tsMul: number; units: number; snaplen: number; /** if_tsoffset, in µs. */ offsetUs: number }[] = [];
  private sawShb = false;
  private resyncing = false;
  private ended = false;

  constructor(private readonly ev: CaptureReaderEvents, private readonly file?: string) {}

  get bytesConsumed(): number {
    return this.base;
  }

  push(chunk: Uint8Array): void {
    if (chunk.length === 0) return;
    if (this.pending.length > 0) {
      // A record cut by the last chunk boundary: join it with the head of this chunk only (not
      // the whole chunk), read what completes there, then read the rest of the chunk in place.
      const p = this.pending.length;
      const head = Math.min(chunk.length, JOIN_HEAD);
      if (this.work.length < p + head) this.work = new Uint8Array((p + head) + ((p + head) >> 2));
      this.work.set(this.pending);
      this.work.set(chunk.subarray(0, head), p);
      const joined = this.work.subarray(0, p + head);
      const used = this.parse(joined, false);
      if (used >= p) {
        this.base += used;
        const rest = chunk.subarray(used - p);
        this.pending = rest;
        this.consume(this.parse(rest, false));
        return;
      }
      if (head === chunk.length) {
        this.pending = joined;
        this.consume(used);
        return;
      }
      // A record longer than the head: join the whole chunk.
      const need = p + chunk.length;
      if (this.work.length < need) this.work = new Uint8Array(need + (need >> 2));
      this.work.set(this.pending);
      this.work.set(chunk, p);
      this.pending = this.work.subarray(0, need);
      // `used` bytes were read already.
      this.consume(used + this.parseFrom(used));
      return;
    }
    this.pending = chunk;
    this.consume(this.parse(this.pending, false));
  }

  /** Parses pending from `from` on; returns the bytes used after `from`. */
  private parseFrom(from: number): number {
    this.base += from;
    const used = this.parse(this.pending.subarray(from), false);
    this.base -= from;
    return used;
  }

  /** Call after the last chunk: reports a file that ends inside a block. */
  end(): void {
    if (this.ended) return;
    this.ended = true;
    if (this.format === undefined) {
      if (this.pending.length > 0 || this.base === 0) throw new CaptureFormatError(spacedHex(this.pending.subarray(0, 8)), this.file);
      return;
    }
    const used = this.parse(this.pending, true);
    this.consume(used);
    if (this.pending.length > 0) {
      const what = this.format === 'pcapng' ? 'block' : this.base === 0 ? `pcap file header (${this.pending.length} of its 24 bytes)` : 'packet record';
      this.warn('truncated_file', `file ends inside a ${what}: ${this.pending.length} bytes at offset ${this.base} cannot be read`, this.base);
      this.base += this.pending.length;
      this.pending = new Uint8Array(0);
    }
  }

  private consume(n: number): void {
    this.base += n;
    // Copy the remainder so the caller's chunk (and the work buffer) can be reused and we do not pin large buffers.
    this.pending = n >= this.pending.length ? new Uint8Array(0) : this.pending.slice(n);
  }

  private warn(code: string, message: string, offset: number, frame?: number): void {
    this.ev.onWarning({ code, message, offset, ...(this.file ? { file: this.file } : {}), ...(frame ? { frame } : {}) });
  }

  /** Parses whole records in `b`; returns how many bytes were used. */
  private parse(b: Uint8Array, final: boolean): number {
    if (this.format === undefined) {
      if (b.length < 4) return 0;
      const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
      const m = dv.getUint32(0, false);
      if (m === 0xa1b2c3d4 || m === 0xd4c3b2a1 || m === 0xa1b23c4d || m === 0x4d3cb2a1 || m === 0xa1b2cd34 || m === 0x34cdb2a1) this.format = 'pcap';
      else if (m === PCAPNG_SHB) this.format = 'pcapng';
      else throw new CaptureFormatError(spacedHex(b.subarray(0, 8)), this.file);
    }
    return this.format === 'pcap' ? this.parsePcap(b, final) : this.parsePcapng(b, final);
  }

  private parsePcap(b: Uint8Array, final: boolean): number {
    const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
    let off = 0;
    if (this.base === 0) {
      if (b.length < 24) return 0;
      const m = dv.getUint32(0, false);
      this.le = m === 0xd4c3b2a1 || m === 0x4d3cb2a1 || m === 0x34cdb2a1;
      this.nano = m === 0xa1b23c4d || m === 0x4d3cb2a1;
      // Alexey Kuznetsov's "modified" pcap (libpcap and Wireshark read it): 8 more bytes per record
      // header (interface index, protocol, packet type, padding).
      this.recordHeader = m === 0xa1b2cd34 || m === 0x34cdb2a1 ? 24 : 16;
      this.snaplen = dv.getUint32(16, this.le);
      this.linkType = dv.getUint32(20, this.le) & 0x0fffffff;
      off = 24;
    }
    const le = this.le, rh = this.recordHeader;
    while (off + rh <= b.length) {
      const sec = dv.getUint32(off, le), frac = dv.getUint32(off + 4, le);
      const cap = dv.getUint32(off + 8, le), orig = dv.getUint32(off + 12, le);
      const at = this.base + off;
      if (!this.plausiblePcapHeader(sec, frac, cap, orig)) {
        if (!this.resyncing) this.warn('bad_length', `packet record at offset ${at} has an impossible header (captured length ${cap}, original length ${orig}); searching for the next packet`, at, this.frame + 1);
        this.resyncing = true;
        off++;
        continue;
      }
      if (off + rh + cap > b.length) {
        if (!final) return off;
        // The last record goes past the end of the file: cut off (a truncated file), or a
        // corrupt length with readable records after it.
        if (this.resyncing) { off++; continue; }
        if (!this.pcapRecordAfter(b, dv, off + 1)) break;
        this.warn('bad_length', `packet record at offset ${at} says ${cap} bytes, more than the ${b.length - off - rh} left in the file; searching for the next packet`, at, this.frame + 1);
        this.resyncing = true;
        off++;
        continue;
      }
      if (this.resyncing) {
        this.warn('resync', `reading resumes with a packet record at offset ${at}`, at, this.frame + 1);
        this.resyncing = false;
      }
      this.frame++;
      this.lastTsSec = sec;
      if (cap < orig) this.warn('snaplen_cut', `frame ${this.frame} at offset ${at} was cut to ${cap} of its ${orig} bytes when captured`, at, this.frame);
      const ts = sec * 1e6 + (this.nano ? Math.floor(frac / 1000) : frac);
      if (!this.ev.onFrame?.(b, off + rh, cap, this.frame, this.linkType, ts, at + rh)) {
        this.ev.onPacket({
          frame: this.frame, linkType: this.linkType, timestampUs: ts,
          data: b.subarray(off + rh, off + rh + cap), originalLength: orig, fileOffset: at + rh, interfaceId: 0,
        });
      }
      off += rh + cap;
    }
    if (this.resyncing && final) {
      this.warn('truncated_file', `no readable packet record after offset ${this.base + off}`, this.base + off);
      return b.length;
    }
    return off;
  }

  /**
   * Whether a plausible packet record starts in `b` from `from` on and either ends the file or is
   * followed by another plausible header (a lone 16-byte header proves little).
   */
  private pcapRecordAfter(b: Uint8Array, dv: DataView, from: number): boolean {
    const le = this.le, rh = this.recordHeader;
    for (let q = from; q + rh <= b.length; q++) {
      const cap = dv.getUint32(q + 8, le);
      if (!this.plausiblePcapHeader(dv.getUint32(q, le), dv.getUint32(q + 4, le), cap, dv.getUint32(q + 12, le), true)) continue;
      const next = q + rh + cap;
      if (next === b.length) return true;
      if (next + rh <= b.length && this.plausiblePcapHeader(dv.getUint32(next, le), dv.getUint32(next + 4, le), dv.getUint32(next + 8, le), dv.getUint32(next + 12, le), true)) return true;
    }
    return false;
  }

  /** `searching`: after damage, when a timestamp near the last good one is also required. */
  private plausiblePcapHeader(sec: number, frac: number, cap: number, orig: number, searching = this.resyncing): boolean {
    // Zeroed bytes look like a record of no bytes and no original length, and taking them as one
    // lets the bytes after it be read as headers; no capture tool writes one. (A record of no
    // captured bytes of a longer packet is kept, except while searching after damage.)
    if (cap === 0 && (orig === 0 || searching)) return false;
    if (cap > MAX_RECORD || cap > Math.max(this.snaplen, 262144) || orig < cap || orig > MAX_RECORD) return false;
    if (frac >= (this.nano ? 1e9 : 1e6)) return false;
    // While searching after damage, also require a timestamp near the last good one.
    if (searching && this.lastTsSec >= 0 && Math.abs(sec - this.lastTsSec) > 86400) return false;
    return true;
  }

  private parsePcapng(b: Uint8Array, final: boolean): number {
    const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
    let off = 0;
    while (off + 12 <= b.length) {
      const at = this.base + off;
      let type = dv.getUint32(off, this.le);
      if (dv.getUint32(off, false) === PCAPNG_SHB) {
        type = PCAPNG_SHB;
        const bom = dv.getUint32(off + 8, true);
        if (bom === BOM) this.le = true;
        else if (bom === 0x4d3c2b1a) this.le = false;
        else {
          if (!this.resyncing) this.warn('bad_length', `Section Header Block at offset ${at} has an unknown byte-order magic ${spacedHex(b.subarray(off + 8, off + 12))}; searching for the next block`, at);
          this.resyncing = true;
          off++;
          continue;
        }
      }
      const len = dv.getUint32(off + 4, this.le);
      if (len < 12 || len % 4 !== 0 || len > MAX_RECORD || (this.resyncing && !knownBlockType(type)) || (!this.sawShb && type !== PCAPNG_SHB)) {
        if (!this.resyncing) this.warn('bad_length', `block at offset ${at} has an impossible length ${len}; searching for the next block`, at, this.frame + 1);
        this.resyncing = true;
        // Byte by byte: the damage may have added or removed bytes, so the blocks after it need not sit on a 4-byte boundary.
        off++;
        continue;
      }
      if (off + len > b.length) {
        if (!final) return off;
        // The last block goes past the end of the file: cut off (a truncated file), or a
        // corrupt length with readable blocks after it.
        if (this.resyncing) { off++; continue; }
        if (!this.blockAfter(b, dv, off + 1)) break;
        this.warn('bad_length', `block at offset ${at} says ${len} bytes, more than the ${b.length - off} left in the file; searching for the next block`, at, this.frame + 1);
        this.resyncing = true;
        off++;
        continue;
      }
      if (dv.getUint32(off + len - 4, this.le) !== len || (this.resyncing && !this.plausibleBlock(dv, off, type))) {
        if (!this.resyncing) this.warn('bad_length', `block at offset ${at} says ${len} bytes but its trailing length differs; searching for the next block`, at, this.frame + 1);
        this.resyncing = true;
        off++;
        continue;
      }
      if (this.resyncing) {
        this.warn('resync', `reading resumes with a block at offset ${at}`, at);
        this.resyncing = false;
      }
      this.block(type, b, dv, off, len, at);
      off += len;
    }
    if (this.resyncing && final) {
      this.warn('truncated_file', `no readable block after offset ${this.base + off}`, this.base + off);
      return b.length;
    }
    return off;
  }

  /** While searching after damage: a block's own fields agree with what is known (the interface it names exists). */
  private plausibleBlock(dv: DataView, off: number, type: number): boolean {
    if (type === 6) return dv.getUint32(off + 8, this.le) < this.ifaces.length;
    if (type === 2) return dv.getUint16(off + 8, this.le) < this.ifaces.length;
    if (type === 3) return this.ifaces.length > 0;
    return true;
  }

  /** Whether a whole, plausible block starts anywhere in `b` from `from` on (tells a corrupt length from a truncated file). */
  private blockAfter(b: Uint8Array, dv: DataView, from: number): boolean {
    for (let q = from; q + 12 <= b.length; q++) {
      const type = dv.getUint32(q, false) === PCAPNG_SHB ? PCAPNG_SHB : dv.getUint32(q, this.le);
      if (!knownBlockType(type)) continue;
      const len = dv.getUint32(q + 4, this.le);
      if (len < 12 || len % 4 !== 0 || q + len > b.length || dv.getUint32(q + len - 4, this.le) !== len) continue;
      if (type === PCAPNG_SHB || this.plausibleBlock(dv, q, type)) return true;
    }
    return false;
  }

  private block(type: number, b: Uint8Array, dv: DataView, off: number, len: number, at: number): void {
    const le = this.le;
    const end = off + len - 4;
    const min = MIN_BLOCK[type];
    if (min !== undefined && len < min) {
      // Framed correctly (its trailing length matches) but too short for its own fixed fields:
      // skipped whole, not read from the next block's bytes.
      this.warn('bad_length', `${BLOCK_NAMES[type]} at offset ${at} is ${len} bytes, shorter than its fixed fields (${min} bytes); skipped`, at, this.frame + 1);
      return;
    }
    if (type === PCAPNG_SHB) {
      this.sawShb = true;
      this.ifaces = [];
    } else if (type === 1) {
      // Interface Description Block: link type, snaplen, options (if_tsresol = 9; if_tsoffset =
      // 14, seconds added to every timestamp of the interface, as Wireshark does).
      let tsDiv = 1, tsMul = 1, units = 1e6, offsetUs = 0;
      for (let o = off + 16; o + 4 <= end;) {
        const code = dv.getUint16(o, le), olen = dv.getUint16(o + 2, le);
        if (code === 0) break;
        if (o + 4 + olen > end) {
          this.warn('bad_length', `Interface Description Block at offset ${at}: option ${code} at offset ${this.base + o} runs past the block (${olen} bytes); the options after it are not read`, at);
          break;
        }
        if (code === 9 && olen >= 1) {
          const r = b[o + 4]!;
          units = r & 0x80 ? 2 ** (r & 0x7f) : 10 ** r;
          if (units >= 1e6) tsDiv = units / 1e6;
          else tsMul = 1e6 / units;
        } else if (code === 14 && olen >= 8) {
          offsetUs = Number(dv.getBigInt64(o + 4, le)) * 1e6;
        }
        o += 4 + ((olen + 3) & ~3);
      }
      this.ifaces.push({ linkType: dv.getUint16(off + 8, le), snaplen: dv.getUint32(off + 12, le), tsDiv, tsMul, units, offsetUs });
    } else if (type === 6 || type === 2) {
      // Enhanced Packet Block, or the obsolete Packet Block (16-bit interface id + drops count).
      const ifId = type === 6 ? dv.getUint32(off + 8, le) : dv.getUint16(off + 8, le);
      const iface = this.ifaces[ifId];
      const tsHi = dv.getUint32(off + 12, le), tsLo = dv.getUint32(off + 16, le);
      let cap = dv.getUint32(off + 20, le);
      const orig = dv.getUint32(off + 24, le);
      const dataAt = off + 28;
      this.frame++;
      if (!iface) {
        this.warn('bad_interface', `packet block at offset ${at} names interface ${ifId}, which was not described; frame ${this.frame} skipped`, at, this.frame);
        return;
      }
      if (dataAt + cap > end) {
        this.warn('block_overrun', `frame ${this.frame} at offset ${at}: captured length ${cap} is longer than its block (${end - dataAt} bytes); kept what the block holds`, at, this.frame);
        cap = Math.max(0, end - dataAt);
      }
      if (cap < orig) this.warn('snaplen_cut', `frame ${this.frame} at offset ${at} was cut to ${cap} of its ${orig} bytes when captured`, at, this.frame);
      else if (orig < cap) this.warn('bad_length', `frame ${this.frame} at offset ${at}: original length ${orig} is less than its captured length ${cap}; the captured bytes are read`, at, this.frame);
      // From 2^53 ticks on (nanosecond timestamps) a double no longer holds the count exactly.
      const us = (tsHi < 0x200000 ? Math.floor(((tsHi * 4294967296 + tsLo) * iface.tsMul) / iface.tsDiv) : ticksToUs(tsHi, tsLo, iface.units)) + iface.offsetUs;
      if (!this.ev.onFrame?.(b, dataAt, cap, this.frame, iface.linkType, us, at + 28)) {
        this.ev.onPacket({
          frame: this.frame, linkType: iface.linkType, timestampUs: us,
          data: b.subarray(dataAt, dataAt + cap), originalLength: orig, fileOffset: at + 28, interfaceId: ifId,
        });
      }
    } else if (type === 3) {
      // Simple Packet Block: interface 0, no timestamp.
      const iface = this.ifaces[0];
      const orig = dv.getUint32(off + 8, le);
      this.frame++;
      if (!iface) {
        this.warn('bad_interface', `simple packet block at offset ${at} without an interface description; frame ${this.frame} skipped`, at, this.frame);
        return;
      }
      const cap = Math.min(orig, end - (off + 12), iface.snaplen || Infinity);
      if (cap < orig) this.warn('snaplen_cut', `frame ${this.frame} at offset ${at} was cut to ${cap} of its ${orig} bytes when captured`, at, this.frame);
      this.ev.onPacket({ frame: this.frame, linkType: iface.linkType, timestampUs: 0, data: b.subarray(off + 12, off + 12 + cap), originalLength: orig, fileOffset: at + 12, interfaceId: 0 });
    } else if (type === 10) {
      // Decryption Secrets Block: TLS key log (0x544c534b "TLSK") kept for the HTTP analyser.
      const secretsType = dv.getUint32(off + 8, le), slen = dv.getUint32(off + 12, le);
      if (secretsType === 0x544c534b && off + 16 + slen <= end) {
        let text = '';
        for (let i = off + 16; i < off + 16 + slen; i++) text += String.fromCharCode(b[i]!);
        this.ev.onSecrets?.(text, at);
      }
    }
    // Name Resolution (4), Interface Statistics (5) and custom blocks carry nothing we use.
  }
}
