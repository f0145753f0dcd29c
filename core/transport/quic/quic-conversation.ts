// Everything Helloscope takes from one QUIC conversation: the ClientHello(s) and ServerHello from
// the Initial packets with their fingerprints (`q` prefix), and JA4L for QUIC. The capture engine
// creates one per UDP conversation that `looksLikeQuicLongHeader` and pushes every datagram.
import { decodeLatin1 } from '../../bytes/field-reader.js';
import type { UdpDatagram } from '../../capture/packet.js';
import type { HelloRecord, ServerHelloRecord } from '../../capture/connection.js';
import type { Problem } from '../../dissect/field.js';
import { Ja4lQuicTracker } from '../../fingerprint/ja4plus/ja4l.js';
import { fingerprintClientHello, fingerprintServerHello } from '../../fingerprint/tls-fingerprints.js';
import { parseTls } from '../../tls/parse-tls.js';
import { QuicInitialTracker } from './initial-tracker.js';


export interface QuicConversationResult {
  hellos: HelloRecord[];
  server_hello?: ServerHelloRecord;
  tls_server_name: string | null;
  ja4l_c?: string;
  ja4l_s?: string;
  /** QUIC version of the client's first Initial (1, 0x6b3343cf...). */
  quic_version: number | null;
  problems: Problem[];
}

export class QuicConversation {
  readonly initial = new QuicInitialTracker();
  private readonly latency = new Ja4lQuicTracker();

  push(dgram: UdpDatagram, fromClient: boolean): void {
    this.initial.push(dgram.payload, dgram, fromClient);
    this.latency.push(dgram, fromClient);
  }

  result(): QuicConversationResult {
    this.initial.endEarly();
    const problems = [...this.initial.problems];
    const hellos: HelloRecord[] = [];
    for (const h of this.initial.clientHellos()) {
      const p = parseTls(h.bytes, { tree: false, framing: 'handshake' });
      problems.push(...p.problems);
      if (!p.clientHello) continue;
      hellos.push({
        ...fingerprintClientHello(p.clientHello, { transport: 'quic' }),
        frame: h.frame,
        tls_server_name: p.clientHello.serverName ?? null,
        alpn: (p.clientHello.alpn ?? []).map((a) => decodeLatin1(a)),
        captured: { bytes: h.bytes, pieces: h.pieces },
      });
    }
    let server_hello: ServerHelloRecord | undefined;
    const s = this.initial.serverHello();
    if (s) {
      const p = parseTls(s.bytes, { tree: false, framing: 'handshake' });
      problems.push(...p.problems);
      if (p.serverHello) server_hello = { ...fingerprintServerHello(p.serverHello, { transport: 'quic' }), frame: s.frame, captured: { bytes: s.bytes, pieces: s.pieces } };
    }
    if (hellos.length === 0 && this.initial.clientHelloIncomplete()) {
      problems.push({ severity: 'warning', code: 'quic_incomplete_hello', message: 'the ClientHello in the Initial CRYPTO stream is incomplete (missing CRYPTO data)' });
    }
    const l = this.latency.result();
    return {
      hellos,
      ...(server_hello ? { server_hello } : {}),
      tls_server_name: hellos[0]?.tls_server_name ?? null,
      ...(l.ja4l_c ? { ja4l_c: l.ja4l_c } : {}),
      ...(l.ja4l_s ? { ja4l_s: l.ja4l_s } : {}),
      quic_version: this.initial.version,
      problems,
    };
  }
}
