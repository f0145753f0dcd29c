// One conversation as the capture engine reports it, and the record `helloscope read` prints.
// Types only; filled by core/capture/analyze (TLS, QUIC, DTLS, HTTP, SSH and TCP-level methods).
import type { Problem } from '../dissect/field.js';
import type { ClientHelloFingerprints, ServerHelloFingerprints } from '../fingerprint/tls-fingerprints.js';

/** Bytes a view can re-dissect with byte ranges, and where each run came from in the capture. */
export interface CapturedBytes {
  bytes: Uint8Array;
  /** Runs of `bytes` and the frame they were taken from (TCP segments, QUIC CRYPTO frames...). */
  pieces: { at: number; length: number; frame: number; fileOffset: number }[];
}

export interface HelloRecord extends ClientHelloFingerprints {
  frame: number;
  tls_server_name: string | null;
  alpn: string[];
  /** The known client this hello matches (knowledge base), when one does. */
  client?: { label: string; confidence: number; exact: boolean };
  /** The reassembled handshake records (TCP) or CRYPTO stream (QUIC) holding this hello. */
  captured?: CapturedBytes;
}

export interface ServerHelloRecord extends ServerHelloFingerprints {
  frame: number;
  captured?: CapturedBytes;
}

export interface X509Record {
  ja4x: string;
  ja4x_r?: string;
  issuer: string;
  subject: string;
  der?: Uint8Array;
}

export interface HttpRequestRecord {
  frame: number;
  method: string;
  path: string;
  version: string;
  ja4h: string;
  ja4h_r?: string;
  /** Hashed, cookies in the order sent. */
  ja4h_o?: string;
  ja4h_ro?: string;
  /** HTTP/2 connections: the Akamai fingerprint of the client's connection preface. */
  akamai?: string;
  /** HTTP/2: the frames the client sent before this (first) request, by type. */
  h2_frames?: string[];
  user_agent?: string | null;
  captured?: CapturedBytes;
}

export interface ConnectionRecord {
  /** Conversation number, TCP and UDP counted separately as tshark's tcp.stream / udp.stream. */
  stream: number;
  transport: 'tcp' | 'udp';
  /** What was recognised on it. */
  protocol: 'tls' | 'quic' | 'dtls' | 'http' | 'ssh' | 'other';
  /** The client (initiator) is always `src`. */
  src: string;
  dst: string;
  src_port: number;
  dst_port: number;
  /** Microseconds since the epoch of the first and last packet. */
  first_seen_us: number;
  last_seen_us: number;
  packets: number;
  bytes: number;
  tls_server_name?: string | null;
  /** Every ClientHello in order; the first is the connection's fingerprint, later ones follow a HelloRetryRequest. */
  hellos: HelloRecord[];
  server_hello?: ServerHelloRecord;
  tls_certs: { x509: X509Record[] }[];
  http: HttpRequestRecord[];
  ja4t?: string;
  ja4ts?: string;
  ja4l_c?: string;
  ja4l_s?: string;
  ja4ssh: string[];
  problems: Problem[];
}
