// JA4S: TLS server fingerprint.
// JA4+ method by FoxIO, licensed under the FoxIO License 1.1 (non-commercial use only);
// see ./LICENSE-NOTICE.md and LICENSE. Written by Helloscope from the specification; no FoxIO code.
import { hex16 } from '../../bytes/hex.js';
import { isGrease } from '../../tls/grease.js';
import type { ServerHello } from '../../tls/model.js';
import { hash12 } from '../hash.js';
import { highestVersion, ja4Alpn, ja4VersionCode, type Ja4Transport } from '../ja4.js';

export interface Ja4sResult {
  ja4s: string;
  ja4s_r: string;
  parts: { protocol: string; version: string; extensionCount: number; alpn: string; cipher: string; extensions: string[] };
}

/**
 * `JA4S = P VV EE AA _ CIPHER _ h12(extensions in wire order)`. GREASE is removed (JA4's
 * general rule); a non-alphanumeric ALPN uses JA4's hex rule (docs/fingerprint-choices.md).
 */
export function computeJa4s(hello: ServerHello, opts: { transport?: Ja4Transport } = {}): Ja4sResult {
  const transport = opts.transport ?? (hello.dtls ? 'dtls' : hello.extensions.some((e) => e.type === 57) ? 'quic' : 'tcp');
  const protocol = transport === 'quic' ? 'q' : transport === 'dtls' ? 'd' : 't';
  const sv = hello.supportedVersions ? highestVersion(hello.supportedVersions) : undefined;
  const version = ja4VersionCode(sv ?? hello.legacyVersion);
  const extensions = hello.extensions.filter((e) => !isGrease(e.type)).map((e) => hex16(e.type));
  const alpn = ja4Alpn(hello.alpn?.[0]).code;
  const cipher = hex16(hello.cipherSuite);
  const a = `${protocol}${version}${String(Math.min(extensions.length, 99)).padStart(2, '0')}${alpn}`;
  return {
    ja4s: `${a}_${cipher}_${hash12(extensions.join(','))}`,
    ja4s_r: `${a}_${cipher}_${extensions.join(',')}`,
    parts: { protocol, version, extensionCount: extensions.length, alpn, cipher, extensions },
  };
}
