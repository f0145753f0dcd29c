// The listener's self-signed certificate: its serial number is a positive, minimally encoded
// INTEGER whatever the random bytes are (a leading zero byte made OpenSSL reject about one
// certificate in 256 with "illegal padding"), and the certificate names localhost and loopback.
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { generateSelfSigned, serialFrom } from '../../../electron/services/listener/self-signed.js';

describe('self-signed listener certificate', () => {
  it.each([
    ['a leading zero byte before a low byte', [0x00, 0x12, 0x34]],
    ['a leading 0x80 (would be negative, or zero once masked)', [0x80, 0x01, 0x02]],
    ['a leading 0xff', [0xff, 0xff, 0xff]],
    ['all zero', [0, 0, 0]],
  ])('encodes %s as a certificate OpenSSL accepts', (_what, head) => {
    const random = Uint8Array.from([...head, ...Array.from({ length: 13 }, (_, i) => i * 17)]);
    const serial = serialFrom(random);
    expect(serial[0]! >= 0x40 && serial[0]! < 0x80).toBe(true);
    const g = generateSelfSigned('test', 30, random);
    const x = new X509Certificate(g.certPem);
    expect(x.serialNumber.toLowerCase()).toBe(serial.toString('hex'));
    expect(x.subjectAltName).toBe('DNS:localhost, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1');
  });

  it.each([['ec', 'ec', undefined], ['rsa', 'rsa', 2048]] as const)('makes a %s certificate signed by its own key, for the same names', (kind, type, bits) => {
    const g = generateSelfSigned('test', 30, undefined, kind);
    const x = new X509Certificate(g.certPem);
    expect(x.publicKey.asymmetricKeyType).toBe(type);
    expect(x.publicKey.asymmetricKeyDetails?.modulusLength).toBe(bits);
    expect(x.verify(x.publicKey)).toBe(true);
    expect(x.checkPrivateKey(createPrivateKey(g.keyPem))).toBe(true);
    expect(x.subjectAltName).toBe('DNS:localhost, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1');
  });
});
