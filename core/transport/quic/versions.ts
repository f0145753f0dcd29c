// QUIC versions whose Initial packets Helloscope can decrypt: the salt and HKDF labels of each
// (RFC 9001 section 5.2, RFC 9369 section 3.3) and the long-header type codes (RFC 9369 section 3.2).

export interface QuicVersionInfo {
  name: string;
  salt: Uint8Array;
  /** HKDF-Expand-Label labels for the packet key, IV and header-protection key. */
  keyLabel: string;
  ivLabel: string;
  hpLabel: string;
  /** Long-header packet type (bits 4-5 of the first byte) of Initial, 0-RTT, Handshake, Retry. */
  types: { initial: number; zeroRtt: number; handshake: number; retry: number };
}

const unhex = (s: string): Uint8Array => Uint8Array.from(s.match(/../g)!, (h) => parseInt(h, 16));

const V1_TYPES = { initial: 0, zeroRtt: 1, handshake: 2, retry: 3 };

export const QUIC_V1 = 0x00000001;
export const QUIC_V2 = 0x6b3343cf;

const V1: QuicVersionInfo = { name: 'QUIC v1', salt: unhex('38762cf7f55934b34d179ae6a4c80cadccbb7f0a'), keyLabel: 'quic key', ivLabel: 'quic iv', hpLabel: 'quic hp', types: V1_TYPES };
const V2: QuicVersionInfo = {
  name: 'QUIC v2', salt: unhex('0dede3def700a6db819381be6e269dcbf9bd2ed9'), keyLabel: 'quicv2 key', ivLabel: 'quicv2 iv', hpLabel: 'quicv2 hp',
  types: { initial: 1, zeroRtt: 2, handshake: 3, retry: 0 },
};
// draft-ietf-quic-tls-29..32 (still seen in older captures): v1 labels, the draft-29 salt.
const DRAFT29: QuicVersionInfo = { name: 'QUIC draft-29', salt: unhex('afbfec289993d24c9e9786f19c6111e04390a899'), keyLabel: 'quic key', ivLabel: 'quic iv', hpLabel: 'quic hp', types: V1_TYPES };

/** The version's Initial parameters, or undefined for versions we cannot decrypt. */
export function quicVersionInfo(version: number): QuicVersionInfo | undefined {
  if (version === QUIC_V1) return V1;
  if (version === QUIC_V2) return V2;
  if (version >= 0xff00001d && version <= 0xff000020) return { ...DRAFT29, name: `QUIC draft-${version & 0xff}` };
  return undefined;
}
