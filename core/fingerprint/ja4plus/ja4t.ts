// JA4T / JA4TS: TCP client (SYN) and server (SYN-ACK) fingerprints.
// JA4+ method by FoxIO, licensed under the FoxIO License 1.1 (non-commercial use only);
// see ./LICENSE-NOTICE.md and LICENSE. Written by Helloscope from the specification; no FoxIO code.
import type { TcpSegment } from '../../capture/packet.js';

export interface TcpOptionsSummary {
  /** Option kinds in wire order; each EOL/padding byte is listed as kind 0. */
  kinds: number[];
  /** Maximum segment size (kind 2) and window scale shift (kind 3); the last occurrence wins. */
  mss?: number;
  windowScale?: number;
  /** Set when an option's length is invalid or runs past the options. */
  malformedAt?: number;
}

/** Reads the TCP options block (RFC 9293 section 3.1) far enough for JA4T. */
export function readTcpOptions(o: Uint8Array): TcpOptionsSummary {
  const out: TcpOptionsSummary = { kinds: [] };
  let i = 0;
  while (i < o.length) {
    const kind = o[i]!;
    out.kinds.push(kind);
    if (kind === 0 || kind === 1) {
      i++;
      continue;
    }
    const len = o[i + 1];
    if (len === undefined || len < 2 || i + len > o.length) {
      out.malformedAt = i;
      break;
    }
    if (kind === 2 && len === 4) out.mss = (o[i + 2]! << 8) | o[i + 3]!;
    if (kind === 3 && len === 3) out.windowScale = o[i + 2]!;
    i += len;
  }
  return out;
}

export interface Ja4tResult {
  ja4t: string;
  parts: { window: number; options: string; mss: string; windowScale: string; summary: TcpOptionsSummary };
}

/**
 * `window _ option kinds joined by "-" _ MSS _ window scale`. A part that is absent (no options,
 * no MSS option) or zero (window scale 0) is written `00`, as FoxIO's Wireshark and Zeek
 * implementations and the later Rust one do (docs/ja4plus.md, "JA4T").
 */
function ja4tOf(seg: TcpSegment): Ja4tResult {
  const summary = readTcpOptions(seg.options);
  const options = summary.kinds.length ? summary.kinds.join('-') : '00';
  const mss = summary.mss ? String(summary.mss) : '00';
  const windowScale = summary.windowScale ? String(summary.windowScale) : '00';
  return { ja4t: `${seg.window}_${options}_${mss}_${windowScale}`, parts: { window: seg.window, options, mss, windowScale, summary } };
}

/** JA4T from the client's SYN. */
export const computeJa4t = (syn: TcpSegment): Ja4tResult => ja4tOf(syn);

/** JA4TS from the server's SYN-ACK (same layout). */
export function computeJa4ts(synAck: TcpSegment): { ja4ts: string; parts: Ja4tResult['parts'] } {
  const r = ja4tOf(synAck);
  return { ja4ts: r.ja4t, parts: r.parts };
}
