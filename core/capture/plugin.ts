// The seam between the capture engine and protocol analysers that need a whole conversation
// (HTTP inside plain TCP or inside TLS with keys). The engine reassembles each TCP direction,
// keeps as many bytes as its plugins ask for, and hands them over when the conversation ends
// (FIN/RST, idle eviction, or end of input). Types only.
import type { CapturedBytes, ConnectionRecord } from './connection.js';

export interface TcpConversationView {
  /** The record being built; a plugin fills its own members (`http`, `tls_certs`, `problems`). */
  record: ConnectionRecord;
  /** Reassembled payload of each direction from its start, up to the kept limit. */
  client: CapturedBytes;
  server: CapturedBytes;
  /** True when more bytes were seen than kept (the plugin's limit was reached) or a gap was left. */
  clientTruncated: boolean;
  serverTruncated: boolean;
  /** Timestamps (µs) of the first byte of each piece, parallel to `client.pieces` / `server.pieces`. */
  clientTimes: number[];
  serverTimes: number[];
  /** NSS key log text from pcapng Decryption Secrets Blocks seen so far in the input. */
  embeddedSecrets: readonly string[];
}

export interface ConversationPlugin {
  readonly name: string;
  /**
   * How many payload bytes per direction this plugin wants kept for each TCP conversation (0 =
   * none). Asked once, when the capture engine is made: asking per conversation meant a record
   * made for the question on every one.
   */
  wantsStreamBytes(): number;
  /**
   * Whether the plugin reads a TLS conversation's bytes after its cleartext handshake records
   * (true when it decrypts). When every plugin answers false, a classic pcap's TCP directions
   * stop keeping bytes once their handshake records have ended; a plugin without this method
   * always gets the bytes it asked for.
   */
  needsTlsApplicationData?(): boolean;
  /** Called once per TCP conversation when it ends. Must not throw; report problems on the record. */
  onTcpConversationEnd(view: TcpConversationView): void;
}
