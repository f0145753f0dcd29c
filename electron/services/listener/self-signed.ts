// A self-signed certificate for the local listener, made with node:crypto only (no openssl binary,
// which Windows and macOS users may not have): an ECDSA P-256 (or RSA 2048) key and an X.509 v3
// certificate for localhost, 127.0.0.1 and ::1, DER-encoded by hand.
import { createHash, createSign, generateKeyPairSync, randomBytes, X509Certificate } from 'node:crypto';

const len = (n: number): Buffer => (n < 0x80 ? Buffer.from([n]) : n < 0x100 ? Buffer.from([0x81, n]) : Buffer.from([0x82, n >> 8, n & 0xff]));
const tlv = (tag: number, ...parts: Buffer[]): Buffer => {
  const body = Buffer.concat(parts);
  return Buffer.concat([Buffer.from([tag]), len(body.length), body]);
};
const seq = (...p: Buffer[]): Buffer => tlv(0x30, ...p);
const oid = (dotted: string): Buffer => {
  const [a, b, ...rest] = dotted.split('.').map(Number);
  const bytes = [a! * 40 + b!];
  for (const v of rest) {
    const stack = [v & 0x7f];
    for (let x = v >>> 7; x > 0; x >>>= 7) stack.unshift((x & 0x7f) | 0x80);
    bytes.push(...stack);
  }
  return tlv(0x06, Buffer.from(bytes));
};
const utf8 = (s: string): Buffer => tlv(0x0c, Buffer.from(s, 'utf8'));
const time = (d: Date): Buffer => tlv(0x17, Buffer.from(d.toISOString().replace(/[-:T]/g, '').slice(2, 14) + 'Z'));

export interface GeneratedCert {
  certPem: string;
  keyPem: string;
  sha256: string;
}

/**
 * The serial number's INTEGER content from random bytes: positive (top bit clear) and minimally
 * encoded (DER forbids a leading zero byte before a byte below 0x80, and OpenSSL rejects the
 * certificate: "illegal padding"), so the first byte is kept in 0x40-0x7f.
 */
export function serialFrom(random: Uint8Array): Buffer {
  const serial = Buffer.from(random);
  serial[0] = (serial[0]! & 0x3f) | 0x40;
  return serial;
}

/**
 * `kind`: 'ec' (P-256, ecdsa-with-SHA256) or 'rsa' (2048 bits, sha256WithRSAEncryption): the
 * listener serves both, so clients that offer only RSA cipher suites (old devices, some bots)
 * complete their handshake too.
 */
export function generateSelfSigned(commonName = 'Helloscope local listener', days = 825, random: Uint8Array = randomBytes(16), kind: 'ec' | 'rsa' = 'ec'): GeneratedCert {
  const { privateKey, publicKey } = kind === 'rsa' ? generateKeyPairSync('rsa', { modulusLength: 2048 }) : generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const spki = publicKey.export({ type: 'spki', format: 'der' });
  const name = seq(tlv(0x31, seq(oid('2.5.4.3'), utf8(commonName))));
  // ecdsa-with-SHA256 (no parameters), or sha256WithRSAEncryption (NULL parameters).
  const sigAlg = kind === 'rsa' ? seq(oid('1.2.840.113549.1.1.11'), tlv(0x05)) : seq(oid('1.2.840.10045.4.3.2'));
  const serial = serialFrom(random);
  const now = new Date(Date.now() - 60_000);
  const later = new Date(now.getTime() + days * 86400_000);
  const san = seq(
    tlv(0x82, Buffer.from('localhost')),
    tlv(0x87, Buffer.from([127, 0, 0, 1])),
    tlv(0x87, Buffer.alloc(16, 0).fill(1, 15)),
  );
  const ski = createHash('sha1').update(spki).digest();
  const extensions = tlv(0xa3, seq(
    seq(oid('2.5.29.17'), tlv(0x04, san)),
    seq(oid('2.5.29.19'), tlv(0x01, Buffer.from([0xff])), tlv(0x04, seq())),
    seq(oid('2.5.29.37'), tlv(0x04, seq(oid('1.3.6.1.5.5.7.3.1')))),
    seq(oid('2.5.29.14'), tlv(0x04, tlv(0x04, ski))),
  ));
  const tbs = seq(
    tlv(0xa0, tlv(0x02, Buffer.from([2]))), // v3
    tlv(0x02, serial),
    sigAlg,
    name,
    seq(time(now), time(later)),
    name,
    spki,
    extensions,
  );
  const sig = createSign('sha256').update(tbs).sign(privateKey);
  const der = seq(tbs, sigAlg, tlv(0x03, Buffer.concat([Buffer.from([0]), sig])));
  const certPem = `-----BEGIN CERTIFICATE-----\n${der.toString('base64').match(/.{1,64}/g)!.join('\n')}\n-----END CERTIFICATE-----\n`;
  const keyPem = privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
  const x = new X509Certificate(certPem); // validates the encoding
  return { certPem, keyPem, sha256: x.fingerprint256.replace(/:/g, '').toLowerCase() };
}
