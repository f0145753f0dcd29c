import { describe, expect, it } from 'vitest';
import { TCP_ACK, TCP_SYN } from '../../../../core/capture/packet.js';
import { TcpJa4Plus } from '../../../../core/fingerprint/ja4plus/tcp-methods.js';
import { looksLikeQuicLongHeader, QuicConversation } from '../../../../core/transport/quic/index.js';
import { foxioPcap, rustExpected } from '../../../helpers/foxio-expected.js';
import { readPackets } from '../../../helpers/read-pcap.js';

/** Conversations keyed by address pair, the client being the SYN sender / first QUIC sender. */
function conversations<T>(file: string, kind: 'tcp' | 'udp', make: () => T, push: (t: T, p: never, fromClient: boolean) => void) {
  const m = new Map<string, { t: T; client: string; src: string; dst: string; srcPort: number; dstPort: number }>();
  for (const p of readPackets(foxioPcap(file))) {
    if (p.kind !== kind) continue;
    const key = [`${p.src}|${p.srcPort}`, `${p.dst}|${p.dstPort}`].sort().join('|');
    let e = m.get(key);
    if (!e) {
      if (p.kind === 'tcp' && !(p.flags & TCP_SYN && !(p.flags & TCP_ACK))) continue;
      if (p.kind === 'udp' && !looksLikeQuicLongHeader(p.payload)) continue;
      e = { t: make(), client: `${p.src}|${p.srcPort}`, src: p.src, dst: p.dst, srcPort: p.srcPort, dstPort: p.dstPort };
      m.set(key, e);
    }
    push(e.t, p as never, `${p.src}|${p.srcPort}` === e.client);
  }
  return [...m.values()];
}

describe('per-conversation JA4+ glue', () => {
  it('TcpJa4Plus on ssh-r.pcap: JA4T, JA4L and JA4SSH as the Rust tool prints them', () => {
    const convs = conversations('ssh-r.pcap', 'tcp', () => new TcpJa4Plus(), (t, p, c) => t.push(p, c));
    for (const want of rustExpected('ssh-r.pcap')) {
      const g = convs.find((c) => c.src === want.src && c.srcPort === want.src_port)!;
      const r = g.t.result();
      expect(r.ja4t).toBe(want.ja4t);
      expect(r.ja4l_c).toBe(want.ja4l_c);
      expect(r.ja4l_s).toBe(want.ja4l_s);
      expect(r.ja4ssh).toEqual(want.ja4ssh);
      expect(r.ssh?.client?.line).toBe((want.ssh_extras as Record<string, string>).ssh_protocol_client);
      expect(r.ssh?.server?.line).toBe((want.ssh_extras as Record<string, string>).ssh_protocol_server);
    }
  });

  it('TcpJa4Plus on a TLS conversation: no JA4SSH', () => {
    const [c] = conversations('badcurveball.pcap', 'tcp', () => new TcpJa4Plus(), (t, p, f) => t.push(p, f));
    const r = c!.t.result();
    expect(r.ja4ssh).toEqual([]);
    expect(r).toMatchObject({ ja4l_c: '2177_64', ja4l_s: '781_238' }); // expected/rust-insta
  });

  it('QuicConversation on chrome-cloudflare-quic-with-secrets.pcapng: JA4, JA4S, JA4L as the Rust tool', () => {
    const convs = conversations('chrome-cloudflare-quic-with-secrets.pcapng', 'udp', () => new QuicConversation(), (t, p, c) => t.push(p, c));
    const want = rustExpected('chrome-cloudflare-quic-with-secrets.pcapng').find((r) => r.transport === 'udp')!;
    const r = convs.find((c) => c.src === want.src)!.t.result();
    expect(r.problems).toEqual([]);
    expect(r.hellos.map((h) => h.ja4)).toEqual([want.ja4]);
    expect(r.server_hello?.ja4s).toBe(want.ja4s);
    expect(r.tls_server_name).toBe(want.tls_server_name);
    expect([r.ja4l_c, r.ja4l_s]).toEqual([want.ja4l_c, want.ja4l_s]);
    expect(r.hellos[0]!.alpn[0]).toBe('h3');
    expect(r.hellos[0]!.captured!.pieces.length).toBeGreaterThan(1);
  });
});
