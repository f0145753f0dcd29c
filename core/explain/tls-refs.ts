// Where the values of a hello model sit in its source bytes, for breakdown refs. The model keeps
// list offsets (cipherSuitesOffset, ExtensionRef.start...); element offsets follow from the
// wire layout of each list, so nothing here needs the bytes themselves.
import { handshakeHeaderLength } from '../tls/handshake.js';
import type { ClientHello, ExtensionRef, ServerHello } from '../tls/model.js';
import { byteRef, type ByteRef } from './breakdown-model.js';

/** The occurrence the decoders kept: with a duplicated extension, the last one overwrites. */
export const lastExtension = (exts: readonly ExtensionRef[], type: number): ExtensionRef | undefined => {
  for (let i = exts.length - 1; i >= 0; i--) if (exts[i]!.type === type) return exts[i];
  return undefined;
};

/** The whole extension: 4-byte header and data. */
export const extensionRef = (source: string, e: ExtensionRef): ByteRef => byteRef(source, e.start, 4 + e.length, 'tls.handshake.extension');
/** The extension's 2-byte type field. */
export const extensionTypeRef = (source: string, e: ExtensionRef): ByteRef => byteRef(source, e.start, 2, 'tls.handshake.extension.type');

/** The legacy_version field of a hello (after the handshake header; SSLv2: after record header and type). */
export function legacyVersionRef(hello: ClientHello | ServerHello): ByteRef {
  if (hello.kind === 'client_hello' && hello.sslv2) return byteRef(hello.source, hello.start + 3, 2, 'ssl.handshake.version');
  return byteRef(hello.source, hello.start + handshakeHeaderLength(hello.dtls === true), 2, 'tls.handshake.version');
}

/** One ref per entry of `hello.cipherSuites`, same order. */
export function cipherRefs(hello: ClientHello): ByteRef[] {
  if (hello.cipherSuiteOffsets) return hello.cipherSuiteOffsets.map((o) => byteRef(hello.source, o, 2, 'ssl.handshake.cipherspec'));
  if (hello.cipherSuitesOffset < 0) return [];
  return hello.cipherSuites.map((_, i) => byteRef(hello.source, hello.cipherSuitesOffset + 2 * i, 2, 'tls.handshake.ciphersuite'));
}

/** Entries of a list inside extension `e`: `prefix` length bytes, then `count` items of `size` bytes. */
const listRefs = (source: string, e: ExtensionRef | undefined, prefix: number, size: number, count: number, key: string): ByteRef[] =>
  e ? Array.from({ length: count }, (_, i) => byteRef(source, e.start + 4 + prefix + size * i, size, key)) : [];

/** supported_versions entries (ClientHello: a list; ServerHello: the selected version). */
export function supportedVersionRefs(hello: ClientHello | ServerHello): ByteRef[] {
  const e = lastExtension(hello.extensions, 0x002b);
  const n = hello.supportedVersions?.length ?? 0;
  return listRefs(hello.source, e, hello.kind === 'client_hello' ? 1 : 0, 2, n, 'tls.handshake.extensions.supported_version');
}

export const groupRefs = (hello: ClientHello): ByteRef[] =>
  listRefs(hello.source, lastExtension(hello.extensions, 0x000a), 2, 2, hello.supportedGroups?.length ?? 0, 'tls.handshake.extensions_supported_group');

export const pointFormatRefs = (hello: ClientHello): ByteRef[] =>
  listRefs(hello.source, lastExtension(hello.extensions, 0x000b), 1, 1, hello.ecPointFormats?.length ?? 0, 'tls.handshake.extensions_ec_point_format');

export function signatureAlgorithmRefs(hello: ClientHello): ByteRef[] {
  const at = hello.signatureAlgorithmsOffset;
  if (at === undefined) return [];
  return (hello.signatureAlgorithms ?? []).map((_, i) => byteRef(hello.source, at + 2 * i, 2, 'tls.handshake.sig_hash_alg'));
}

/** The bytes of the first ALPN protocol name (without its length byte). */
export function firstAlpnRef(hello: ClientHello | ServerHello): ByteRef | undefined {
  const first = hello.alpn?.[0];
  if (!first || first.length === 0 || hello.alpnFirstOffset === undefined) return undefined;
  return byteRef(hello.source, hello.alpnFirstOffset, first.length, 'tls.handshake.extensions_alpn_str');
}
