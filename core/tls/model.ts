import type { Problem } from '../dissect/field.js';

/** One extension as it appears in a hello: `start` is the offset of its type field. */
export interface ExtensionRef {
  type: number;
  /** Offset of the extension's 2-byte type field in the message's source. */
  start: number;
  /** Length of the extension data (after the 4-byte header). */
  length: number;
}

/** Values decoded from the extensions that fingerprints and views need. */
export interface DecodedExtensions {
  /** First host_name in server_name, when present and non-empty. */
  serverName?: string;
  /** Protocol names from ALPN, raw bytes in wire order (a ServerHello has one). */
  alpn?: Uint8Array[];
  /** Offset of the first ALPN protocol-name bytes, for linking breakdowns to bytes. */
  alpnFirstOffset?: number;
  /** supported_versions: the client's list, or the server's selected version as one element. */
  supportedVersions?: number[];
  /** signature_algorithms (0x000d) only, wire order. */
  signatureAlgorithms?: number[];
  signatureAlgorithmsOffset?: number;
  supportedGroups?: number[];
  ecPointFormats?: number[];
  /** Groups of the key_share entries (ServerHello: the one chosen; HRR: the selected group). */
  keyShareGroups?: number[];
  pskKeyExchangeModes?: number[];
  /** ALPS (application_settings) protocol list, as strings. */
  applicationSettings?: string[];
  /** encrypted_client_hello type: 0 outer, 1 inner. */
  echType?: number;
  recordSizeLimit?: number;
  certCompressionAlgorithms?: number[];
}

export type MessageKind = 'client_hello' | 'server_hello' | 'hello_retry_request' | 'encrypted_extensions' | 'certificate' | 'other';

interface MessageBase {
  /** Source id and range of the whole handshake message, header included. */
  source: string;
  start: number;
  length: number;
  /** Handshake type byte. */
  type: number;
  /** True when the message is cut off before its declared end. */
  truncated: boolean;
  /** Version of the record that carried the message's first byte (undefined for bare messages). */
  recordVersion?: number;
}

export interface ClientHello extends MessageBase, DecodedExtensions {
  kind: 'client_hello';
  legacyVersion: number;
  random: Uint8Array;
  sessionId: Uint8Array;
  /** DTLS only. */
  cookie?: Uint8Array;
  cipherSuites: number[];
  /** Offset of the first cipher suite (each is 2 bytes, SSLv2 specs 3). */
  cipherSuitesOffset: number;
  /** Offset of each suite when they are not contiguous 2-byte values (SSLv2: the last 2 bytes of each kept 3-byte spec). */
  cipherSuiteOffsets?: number[];
  compressionMethods: number[];
  /** Present (possibly empty) when the hello has an extensions block. */
  extensions: ExtensionRef[];
  hasExtensionsBlock: boolean;
  /** True when the extension server_name (0x0000) is present, whatever it holds. */
  sniPresent: boolean;
  /** Parsed from an SSLv2-compatible CLIENT-HELLO (RFC 5246 appendix E.2). */
  sslv2?: boolean;
  /** DTLS framing (cookie field present). */
  dtls?: boolean;
}

export interface ServerHello extends MessageBase, DecodedExtensions {
  kind: 'server_hello';
  /** A ServerHello whose random is the RFC 8446 HelloRetryRequest constant. */
  helloRetryRequest: boolean;
  legacyVersion: number;
  random: Uint8Array;
  sessionId: Uint8Array;
  cipherSuite: number;
  cipherSuiteOffset: number;
  compressionMethod: number;
  extensions: ExtensionRef[];
  dtls?: boolean;
}

export interface CertificateEntry {
  /** Range of the DER certificate in the source. */
  start: number;
  length: number;
  der: Uint8Array;
}

export interface CertificateMessage extends MessageBase {
  kind: 'certificate';
  /** TLS 1.3 form (with request context and per-certificate extensions). */
  tls13: boolean;
  certificates: CertificateEntry[];
}

export interface EncryptedExtensionsMessage extends MessageBase, DecodedExtensions {
  kind: 'encrypted_extensions';
  extensions: ExtensionRef[];
}

export interface OtherMessage extends MessageBase {
  kind: 'other';
}

export type HandshakeMessage = ClientHello | ServerHello | CertificateMessage | EncryptedExtensionsMessage | OtherMessage;

export interface WithProblems {
  problems: Problem[];
}
