// The character-by-character parts of a JA4-style prefix (JA4's `a`; JA4S reuses protocol,
// version and ALPN): what each character says and which bytes decided it.
import { hex16, hexLabel, toHex } from '../bytes/hex.js';
import { ja4Alpn, type Ja4Parts, type Ja4Transport } from '../fingerprint/ja4.js';
import { isGrease } from '../tls/grease.js';
import { versionDisplay } from '../tls/iana/registry.js';
import type { ClientHello, ServerHello } from '../tls/model.js';
import { spanAt, type BreakdownItem, type BreakdownPart, type ByteRef } from './breakdown-model.js';
import { cipherRefs, extensionRef, firstAlpnRef, lastExtension, legacyVersionRef, supportedVersionRefs } from './tls-refs.js';

export const GREASE_REASON = 'GREASE value (RFC 8701): random reserved values a client sends to keep servers tolerant; JA4 ignores GREASE wherever it appears';

type Hello = ClientHello | ServerHello;

/** `t`, `q` or `d` and why. */
export function protocolPart(hello: Hello, transport: Ja4Transport, given: boolean, at: number, value: string): BreakdownPart {
  const qtp = lastExtension(hello.extensions, 57);
  let explanation: string;
  let refs: ByteRef[] = [];
  if (given) explanation = `Transport ${transport === 'quic' ? 'QUIC' : transport === 'dtls' ? 'DTLS' : 'TCP'} (known from the connection the hello travelled on).`;
  else if (transport === 'dtls') explanation = 'DTLS: the hello is DTLS-framed (it has a cookie field).';
  else if (transport === 'quic' && qtp) {
    explanation = 'QUIC: the hello carries quic_transport_parameters (0x0039), which only QUIC clients send.';
    refs = [extensionRef(hello.source, qtp)];
  } else explanation = 'TLS over TCP (no QUIC transport parameters, not DTLS).';
  return { id: 'a.protocol', label: 'Protocol', value, span: spanAt(at, value), explanation, refs };
}

/** The 2-character version code: highest non-GREASE supported_versions entry, else legacy_version. */
export function versionPart(hello: Hello, code: string, versionValue: number, fromSupportedVersions: boolean, at: number): BreakdownPart {
  const known = code !== '00';
  const meaning = known ? `${versionDisplay(versionValue)} is written ${code}` : `${versionDisplay(versionValue)} is not a version JA4 names, so it is written 00`;
  if (!fromSupportedVersions) {
    return {
      id: 'a.version', label: 'TLS version', value: code, span: spanAt(at, code),
      explanation: `No supported_versions extension: the hello's legacy_version field is used (the record-layer version never is); ${meaning}.`,
      refs: [legacyVersionRef(hello)],
    };
  }
  const values = hello.supportedVersions ?? [];
  const refs = supportedVersionRefs(hello);
  const won = values.findIndex((v) => v === versionValue && !isGrease(v));
  const items: BreakdownItem[] = values.map((v, i) => ({
    text: hex16(v), label: versionDisplay(v),
    explanation: i === won ? 'the highest version offered: this one is used' : isGrease(v) ? 'GREASE' : 'lower than the highest version offered',
    refs: refs[i] ? [refs[i]!] : [],
    ...(isGrease(v) ? { removed: { reason: GREASE_REASON } } : {}),
  }));
  const ordered = [...items.filter((x) => !x.removed), ...items.filter((x) => x.removed)];
  return {
    id: 'a.version', label: 'TLS version', value: code, span: spanAt(at, code),
    explanation: `${hello.kind === 'client_hello' ? 'The highest non-GREASE value in supported_versions (0x002b)' : 'The version the server selected in supported_versions (0x002b)'} wins over legacy_version ${hexLabel(hello.legacyVersion)}; ${meaning}.`,
    refs: won >= 0 && refs[won] ? [refs[won]!] : [], items: ordered,
  };
}

/** The last two characters: first and last of the first ALPN protocol, or of its hex, or 00. */
export function alpnPart(hello: Hello, at: number): BreakdownPart {
  const first = hello.alpn?.[0];
  const { code, rule } = ja4Alpn(first);
  const ext = lastExtension(hello.extensions, 0x0010);
  const ref = firstAlpnRef(hello);
  const base = { id: 'a.alpn', label: 'ALPN', value: code, span: spanAt(at, code) };
  if (rule === 'none') {
    const why = !ext ? 'No ALPN extension' : !first ? 'The ALPN extension lists no protocol' : 'The first ALPN protocol is empty';
    return { ...base, explanation: `${why}: 00.`, refs: ext ? [extensionRef(hello.source, ext)] : [] };
  }
  const shown = JSON.stringify(String.fromCharCode(...first!));
  const which = hello.kind === 'client_hello' ? 'first ALPN protocol' : 'ALPN protocol the server selected';
  if (rule === 'alphanumeric') {
    return { ...base, explanation: `The ${which} ${shown}: its first and last characters${first!.length === 1 ? ' (one character, so twice)' : ''}.`, refs: ref ? [ref] : [] };
  }
  const hex = toHex(first!);
  const bad = [first![0]!, first![first!.length - 1]!].filter((c) => !isAlnumByte(c)).map((c) => hexLabel(c, 2));
  return {
    ...base,
    explanation: `The ${which} ${shown} (bytes ${hex}) starts or ends with a byte that is not 0-9, A-Z or a-z (${[...new Set(bad)].join(', ')}): the first and last characters of its hex, "${hex}", are used instead.`,
    refs: ref ? [ref] : [],
  };
}

const isAlnumByte = (c: number): boolean => (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122);

/** JA4's `a` and its six sub-parts (spans index into the fingerprint, which starts with `a`). */
export function ja4PrefixParts(hello: ClientHello, p: Ja4Parts, a: string, transportGiven: boolean): BreakdownPart[] {
  const src = hello.source;
  const sni = lastExtension(hello.extensions, 0x0000);
  const ciphers = cipherRefs(hello).filter((_, i) => !isGrease(hello.cipherSuites[i]!));
  const exts = hello.extensions.filter((e) => !isGrease(e.type));
  const greaseCiphers = hello.cipherSuites.length - p.cipherCount, greaseExts = hello.extensions.length - exts.length;
  const capped = (n: number): string => (n > 99 ? ` (${n}, capped at 99)` : '');
  return [
    {
      id: 'a', label: 'Prefix', value: a, span: spanAt(0, a),
      explanation: 'Protocol, TLS version, SNI flag, cipher count, extension count and ALPN characters, readable without a lookup.',
      refs: [],
    },
    protocolPart(hello, p.transport, transportGiven, 0, a.slice(0, 1)),
    versionPart(hello, p.version, p.versionValue, p.versionSource === 'supported_versions', 1),
    {
      id: 'a.sni', label: 'SNI', value: p.sni, span: spanAt(3, p.sni),
      explanation: sni
        ? `d (domain): a server_name extension is present${hello.serverName ? `, naming ${JSON.stringify(hello.serverName)}` : ' (it names no host, but presence is what counts)'}.`
        : 'i (IP): there is no server_name extension, as when a client connects to an IP address.',
      refs: sni ? [extensionRef(src, sni)] : [],
    },
    {
      id: 'a.cipher_count', label: 'Number of cipher suites', value: a.slice(4, 6), span: spanAt(4, a.slice(4, 6)),
      explanation: `${p.cipherCount} cipher suites${capped(p.cipherCount)}${greaseCiphers ? `, not counting ${greaseCiphers} GREASE value${greaseCiphers > 1 ? 's' : ''}` : ''}; two digits.`,
      refs: ciphers,
    },
    {
      id: 'a.extension_count', label: 'Number of extensions', value: a.slice(6, 8), span: spanAt(6, a.slice(6, 8)),
      explanation: `${p.extensionCount} extensions${capped(p.extensionCount)}, SNI and ALPN included${greaseExts ? `, not counting ${greaseExts} GREASE extension${greaseExts > 1 ? 's' : ''}` : ''}; two digits.`,
      refs: exts.map((e) => extensionRef(src, e)),
    },
    alpnPart(hello, 8),
  ];
}

