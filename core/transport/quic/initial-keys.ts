// Initial packet protection keys (RFC 9001 section 5.2): derived from the client's Destination
// Connection ID with a version-specific salt, so anyone on the path can remove them.
import { expand, extract } from '@noble/hashes/hkdf.js';
import { sha256 } from '@noble/hashes/sha2.js';
import type { QuicVersionInfo } from './versions.js';

export interface PacketKeys {
  key: Uint8Array;
  iv: Uint8Array;
  hp: Uint8Array;
}

export interface InitialKeys {
  client: PacketKeys;
  server: PacketKeys;
}

const ascii = (s: string): Uint8Array => Uint8Array.from(s, (c) => c.charCodeAt(0));

/** HKDF-Expand-Label (RFC 8446 section 7.1) with an empty context. */
export function hkdfExpandLabel(secret: Uint8Array, label: string, length: number): Uint8Array {
  const full = ascii(`tls13 ${label}`);
  const info = new Uint8Array(2 + 1 + full.length + 1);
  info[0] = length >> 8;
  info[1] = length & 0xff;
  info[2] = full.length;
  info.set(full, 3);
  info[3 + full.length] = 0;
  return expand(sha256, secret, info, length);
}

function packetKeys(secret: Uint8Array, v: QuicVersionInfo): PacketKeys {
  return { key: hkdfExpandLabel(secret, v.keyLabel, 16), iv: hkdfExpandLabel(secret, v.ivLabel, 12), hp: hkdfExpandLabel(secret, v.hpLabel, 16) };
}

/** Client and server Initial keys (AEAD_AES_128_GCM) for a client-chosen Destination Connection ID. */
export function deriveInitialKeys(dcid: Uint8Array, v: QuicVersionInfo): InitialKeys & { clientSecret: Uint8Array; serverSecret: Uint8Array } {
  const initial = extract(sha256, dcid, v.salt);
  const clientSecret = hkdfExpandLabel(initial, 'client in', 32);
  const serverSecret = hkdfExpandLabel(initial, 'server in', 32);
  return { clientSecret, serverSecret, client: packetKeys(clientSecret, v), server: packetKeys(serverSecret, v) };
}
