import { describe, expect, it } from 'vitest';
import { TCP_ACK, TCP_SYN, type TcpSegment } from '../../../../core/capture/packet.js';
import { computeJa4t, computeJa4ts, readTcpOptions } from '../../../../core/fingerprint/ja4plus/ja4t.js';
import { foxioPcap, foxioPcaps, wiresharkExpected } from '../../../helpers/foxio-expected.js';
import { readPackets } from '../../../helpers/read-pcap.js';

const seg = (window: number, options: number[], flags = TCP_SYN): TcpSegment => ({
  frame: 1, timestampUs: 0, ipVersion: 4, ttl: 64, src: 'a', dst: 'b', fileOffset: 0, srcPort: 1, dstPort: 2, seq: 0, ack: 0, flags, window, options: Uint8Array.from(options), payload: new Uint8Array(),
});

describe('JA4T / JA4TS', () => {
  it('follows the FoxIO examples (tls-alpn-h2 inline Wireshark test: 65535_2-1-3-1-1-8-4-0-0_1346_6)', () => {
    // MSS 1346, NOP, WS 6, NOP, NOP, timestamps, SACK permitted, EOL, EOL
    const o = [2, 4, 0x05, 0x42, 1, 3, 3, 6, 1, 1, 8, 10, 0, 0, 0, 1, 0, 0, 0, 0, 4, 2, 0, 0];
    expect(computeJa4t(seg(65535, o)).ja4t).toBe('65535_2-1-3-1-1-8-4-0-0_1346_6');
  });

  it('writes 00 for absent options, MSS and window scale, and for window scale 0', () => {
    expect(computeJa4t(seg(8192, [])).ja4t).toBe('8192_00_00_00');
    expect(computeJa4t(seg(26883, [2, 4, 0x05, 0xb4])).ja4t).toBe('26883_2_1460_00');
    expect(computeJa4ts(seg(8540, [2, 4, 0x04, 0xc4, 1, 3, 3, 0], TCP_SYN | TCP_ACK)).ja4ts).toBe('8540_2-1-3_1220_00');
  });

  it('the last duplicate MSS or window scale wins; a bad option length stops the walk', () => {
    expect(computeJa4t(seg(1, [2, 4, 0, 100, 2, 4, 0, 200, 3, 3, 2, 3, 3, 5])).ja4t).toBe('1_2-2-3-3_200_5');
    expect(readTcpOptions(Uint8Array.from([2, 4, 5, 0xb4, 8, 0, 1]))).toMatchObject({ kinds: [2, 8], mss: 1460, malformedAt: 4 });
    expect(readTcpOptions(Uint8Array.from([3, 9, 1]))).toMatchObject({ kinds: [3], malformedAt: 0 });
  });

  // The FoxIO Wireshark plugin gives JA4T per SYN frame and JA4TS per SYN-ACK frame: an independent oracle.
  const pcaps = foxioPcaps().filter((f) => wiresharkExpected(f).size > 0);
  it.each(pcaps)('%s: every SYN / SYN-ACK the Wireshark plugin fingerprints', (file) => {
    const ws = wiresharkExpected(file);
    for (const p of readPackets(foxioPcap(file))) {
      if (p.kind !== 'tcp' || !(p.flags & TCP_SYN)) continue;
      const l = ws.get(p.frame);
      const isSynAck = (p.flags & TCP_ACK) !== 0;
      const want = l?.[isSynAck ? 'ja4.ja4ts' : 'ja4.ja4t']?.[0];
      // JA4TScan-style retransmission suffixes (a 5th part) are not part of JA4TS itself.
      if (!want || want.split('_').length !== 4) continue;
      expect(isSynAck ? computeJa4ts(p).ja4ts : computeJa4t(p).ja4t, `frame ${p.frame}`).toBe(want);
    }
  });

  it('compares a meaningful number of frames across the corpus', () => {
    let n = 0;
    for (const file of pcaps) {
      const ws = wiresharkExpected(file);
      for (const p of readPackets(foxioPcap(file))) if (p.kind === 'tcp' && p.flags & TCP_SYN && (ws.get(p.frame)?.['ja4.ja4t'] || ws.get(p.frame)?.['ja4.ja4ts'])) n++;
    }
    expect(n).toBeGreaterThan(120);
  });
});
