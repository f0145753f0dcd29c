import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { computeJa4 } from '../../../core/fingerprint/ja4.js';
import { parseTls } from '../../../core/tls/parse-tls.js';
import { looksLikeQuicLongHeader, QuicInitialTracker } from '../../../core/transport/quic/index.js';
import { FIXTURES } from '../../helpers/paths.js';
import { readPackets } from '../../helpers/read-pcap.js';

// Recorded with test/tools/record-quic-client.mjs: Chromium's real QUIC Initials on 127.0.0.1.
const dir = join(FIXTURES, 'quic/chromium');
const meta = JSON.parse(readFileSync(join(dir, 'meta.json'), 'utf8')) as { version: string; hellos: { ref_ja4: string; ref_ja4_o: string; tls_server_name: string }[] };

describe(`recorded QUIC client (${meta.version.split(' built')[0]})`, () => {
  const t = new QuicInitialTracker();
  const packets = readPackets(join(dir, 'capture.pcap')).filter((p) => p.kind === 'udp');
  for (const p of packets) if (looksLikeQuicLongHeader(p.payload)) t.push(p.payload, p, true);

  it('decrypts every Initial, including the retransmissions', () => {
    expect(t.problems).toEqual([]);
    expect(t.packetLog.length).toBeGreaterThanOrEqual(packets.length);
  });

  it('reassembles a ClientHello spread over several Initial packets, retransmitted copies ignored', () => {
    const hellos = t.clientHellos();
    expect(hellos).toHaveLength(1);
    // Chromium's post-quantum key share makes the hello too big for one Initial.
    expect(hellos[0]!.bytes.length).toBeGreaterThan(1200);
    expect(t.packetLog.filter((p) => p.frames.includes('CRYPTO')).length).toBeGreaterThan(1);
    const ch = parseTls(hellos[0]!.bytes, { tree: false }).clientHello!;
    expect(ch.serverName).toBe(meta.hellos[0]!.tls_server_name);
  });

  it('JA4 and JA4_o equal the values computed from tshark\'s own dissection', () => {
    const ch = parseTls(t.clientHellos()[0]!.bytes, { tree: false }).clientHello!;
    const r = computeJa4(ch, { transport: 'quic' });
    expect(r.ja4).toBe(meta.hellos[0]!.ref_ja4);
    expect(r.ja4_o).toBe(meta.hellos[0]!.ref_ja4_o);
  });
});
