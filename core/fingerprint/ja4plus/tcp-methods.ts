// The TCP-level JA4+ methods of one conversation together (JA4T, JA4TS, JA4L/JA4LS, JA4SSH), so
// the capture engine pushes each segment once and reads the results when the conversation ends.
// JA4+ methods by FoxIO, licensed under the FoxIO License 1.1 (non-commercial use only);
// see ./LICENSE-NOTICE.md and LICENSE. Written by Helloscope from the specification; no FoxIO code.
import { sameBytes } from '../../bytes/field-reader.js';
import { TCP_ACK, TCP_SYN, type TcpSegment } from '../../capture/packet.js';
import { Ja4lTcpTracker, type Ja4lResult } from './ja4l.js';
import { isBareAck, Ja4sshTracker, parseSshBanner, sshPayloadLength, type SshBanner } from './ja4ssh.js';
import { computeJa4t, computeJa4ts } from './ja4t.js';

export interface TcpMethodsResult extends Ja4lResult {
  ja4t?: string;
  ja4ts?: string;
  /** Windows of JA4SSH, when either side sent an SSH identification string. */
  ja4ssh: string[];
  ssh?: { client?: SshBanner; server?: SshBanner };
}

/**
 * JA4T and JA4TS are functions of the window field and the options bytes alone, and a capture's
 * SYNs come from a few stacks: remember the strings by those inputs. Found by a hash of them and
 * compared, so a hit builds nothing (a string key per SYN was a good part of the packet thread's
 * garbage).
 */
interface Ja4tMemo { synAck: boolean; window: number; options: Uint8Array; value: string }
const EMPTY = new Uint8Array(0);
const ja4tMemo = new Map<number, Ja4tMemo>();
function ja4tString(seg: TcpSegment, synAck: boolean): string {
  const o = seg.options;
  let h = Math.imul(0x811c9dc5 ^ seg.window ^ (synAck ? 0x10000 : 0), 0x01000193);
  for (let i = 0; i < o.length; i++) h = Math.imul(h ^ o[i]!, 0x01000193);
  const m = ja4tMemo.get(h);
  if (m !== undefined && m.synAck === synAck && m.window === seg.window && sameBytes(m.options, o)) return m.value;
  const value = synAck ? computeJa4ts(seg).ja4ts : computeJa4t(seg).ja4t;
  if (ja4tMemo.size >= 1024) ja4tMemo.clear();
  // A hash shared by two inputs keeps the later one.
  ja4tMemo.set(h, { synAck, window: seg.window, options: o.slice(), value });
  return value;
}

export class TcpJa4Plus {
  private ja4t?: string;
  private ja4ts?: string;
  private readonly latency = new Ja4lTcpTracker();
  private ssh?: Ja4sshTracker;
  private sshSeen = false;
  private payloads = 0;
  // Until a banner comes, what the JA4SSH tracker would have been given: bare ACKs counted, and
  // payloads as (seq, wire length, 1 if from the client); most conversations are not SSH, and a
  // tracker per conversation was a tenth of the packet thread's garbage. Replayed into a tracker
  // at the banner. With fewer than 4 packets per window a window could end before the banner, so
  // such trackers are made at once.
  private earlyAcksC = 0;
  private earlyAcksS = 0;
  private early?: number[];

  constructor(private readonly sshSampleSize = 200) {
    if (sshSampleSize < 4) this.ssh = new Ja4sshTracker(sshSampleSize);
  }

  push(seg: TcpSegment, fromClient: boolean): void {
    const syn = (seg.flags & TCP_SYN) !== 0, ack = (seg.flags & TCP_ACK) !== 0;
    // The first SYN and first SYN-ACK (retransmissions keep the first values).
    // (Not from options the capture cut off: a later retransmission may have them whole.)
    if (syn && !ack && fromClient && !seg.optionsCut) this.ja4t ??= ja4tString(seg, false);
    if (syn && ack && !fromClient && !seg.optionsCut) this.ja4ts ??= ja4tString(seg, true);
    this.latency.push(seg, fromClient);
    // SSH announces itself in the first payload of either side; look at the first few only.
    if (!this.sshSeen && seg.payload.length > 0 && this.payloads++ < 4 && parseSshBanner(seg.payload)) {
      this.sshSeen = true;
      this.ssh ??= this.trackerOfEarly();
    }
    // After four payloads without a banner the conversation is not SSH: its windows are never read.
    if (!this.sshSeen && this.payloads >= 4) return;
    if (this.ssh) { this.ssh.push(seg, fromClient); return; }
    const len = sshPayloadLength(seg);
    if (len === 0) {
      if (isBareAck(seg.flags)) {
        if (fromClient) this.earlyAcksC++;
        else this.earlyAcksS++;
      }
      return;
    }
    const e = this.early;
    // (A literal: an empty array's first push reserves 17 slots.)
    if (e === undefined) { this.early = [seg.seq, len, fromClient ? 1 : 0]; return; }
    e.push(seg.seq, len, fromClient ? 1 : 0);
    // At most three kept payloads come here (the fourth is a banner or the end); payloads the
    // capture cut to nothing are not counted above: past eight entries, a tracker takes over.
    if (e.length >= 24) this.ssh = this.trackerOfEarly();
  }

  /** A tracker given what came before it was made (no banner was among it: payloads as lengths only). */
  private trackerOfEarly(): Ja4sshTracker {
    const t = new Ja4sshTracker(this.sshSampleSize);
    t.addAcks(this.earlyAcksC, this.earlyAcksS);
    const e = this.early;
    if (e) for (let i = 0; i < e.length; i += 3) t.payload(e[i]!, e[i + 1]!, e[i + 2] === 1, EMPTY);
    this.early = undefined;
    return t;
  }

  /**
   * True when pushing a segment with these flags would change no result: not a SYN, not SSH
   * (four payloads without a banner), and the latency times settled. The capture engine then
   * skips the call (data packets after the handshake).
   */
  idleFor(flags: number): boolean {
    return (flags & TCP_SYN) === 0 && !this.sshSeen && this.payloads >= 4 && this.latency.settled;
  }

  /** True once an SSH identification string was seen. */
  get isSsh(): boolean {
    return this.sshSeen;
  }

  /** `into`: an emptied object to write the results into (its ja4ssh array is reused while empty). */
  result(into?: TcpMethodsResult): TcpMethodsResult {
    // The latency keys first, written straight into the result (a spread is slow here).
    const out = this.latency.result(into ?? ({} as TcpMethodsResult));
    out.ja4ssh = this.sshSeen ? this.ssh!.finish() : into?.ja4ssh?.length === 0 ? into.ja4ssh : [];
    if (this.ja4t) out.ja4t = this.ja4t;
    if (this.ja4ts) out.ja4ts = this.ja4ts;
    if (this.sshSeen) {
      const t = this.ssh!;
      out.ssh = { ...(t.clientBanner ? { client: t.clientBanner } : {}), ...(t.serverBanner ? { server: t.serverBanner } : {}) };
    }
    return out;
  }
}
