import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { computeJa4x } from '../../../../core/fingerprint/ja4plus/ja4x.js';
import { parseCertificate, parseDer } from '../../../../core/x509/index.js';
import { refH12 as h12 } from '../../../helpers/reference-hash.js';
import { foxioPcap, foxioPcaps, rustExpected, wiresharkExpected } from '../../../helpers/foxio-expected.js';
import { CLI } from '../../../helpers/paths.js';

/** Certificates per frame, extracted by tshark (which reassembles TCP and decrypts with DSBs). */
function tsharkCertificates(file: string): Map<number, Uint8Array[]> {
  const out = new Map<number, Uint8Array[]>();
  const r = spawnSync('tshark', ['-n', '-r', foxioPcap(file), '-Y', 'tls.handshake.certificate', '-T', 'fields', '-e', 'frame.number', '-e', 'tls.handshake.certificate'], { encoding: 'utf8', maxBuffer: 64 << 20 });
  for (const line of r.stdout.split('\n')) {
    const [frame, list] = line.split('\t');
    if (!frame || !list) continue;
    out.set(Number(frame), list.split(',').map((h) => Uint8Array.from(Buffer.from(h, 'hex'))));
  }
  return out;
}

const withX509 = foxioPcaps().filter((f) => [...wiresharkExpected(f).values()].some((l) => l['ja4.ja4x']));

describe('JA4X', () => {
  it('the FoxIO slide example: h12("551d0f,551d25,551d11") = aae71e8db6d7', () => {
    expect(h12('551d0f,551d25,551d11')).toBe('aae71e8db6d7');
  });

  it('covers the FoxIO captures with certificates', () => expect(withX509.length).toBeGreaterThanOrEqual(8));

  it.each(withX509)('%s: every certificate matches the FoxIO Wireshark plugin (ja4x and ja4x_r)', (file) => {
    const ws = wiresharkExpected(file);
    const certs = tsharkCertificates(file);
    let n = 0;
    for (const [frame, l] of ws) {
      if (!l['ja4.ja4x']) continue;
      const ders = certs.get(frame);
      expect(ders, `frame ${frame}`).toBeDefined();
      const got = ders!.map(computeJa4x);
      expect(got.map((g) => g.ja4x), `frame ${frame}`).toEqual(l['ja4.ja4x']);
      expect(got.map((g) => g.ja4x_r), `frame ${frame}`).toEqual(l['ja4.ja4x_r']);
      for (const g of got) expect(g.certificate.problems).toEqual([]);
      n += got.length;
    }
    expect(n).toBeGreaterThan(0);
  });

  it('`read` names the certificate attributes with the FoxIO tool\'s keys (issuerOrganizationalUnit, subjectMsJurisdictionCountry...), values equal', () => {
    type X = Record<string, string>;
    const nameKeys = (x: X) => Object.fromEntries(Object.entries(x).filter(([k]) => /^(issuer|subject)[A-Z]/.test(k)));
    let compared = 0;
    const keys = new Set<string>();
    for (const f of withX509) {
      const want = rustExpected(f).flatMap((r) => ((r.tls_certs as { x509?: X[] }[] | undefined) ?? []).flatMap((c) => c.x509 ?? []));
      if (!want.length) continue;
      const got = (JSON.parse(execFileSync(process.execPath, [CLI, 'read', foxioPcap(f), '--format', 'json'], { encoding: 'utf8', maxBuffer: 256 << 20 })) as { tls_certs?: { x509?: X[] }[] }[])
        .flatMap((r) => (r.tls_certs ?? []).flatMap((c) => c.x509 ?? []));
      for (const w of want) {
        const g = got.find((x) => x.ja4x === w.ja4x && JSON.stringify(nameKeys(x)) === JSON.stringify(nameKeys(w))) ?? got.find((x) => x.ja4x === w.ja4x);
        expect(g, `${f} ${w.ja4x}`).toBeDefined();
        expect(nameKeys(g!), `${f} ${w.ja4x}`).toEqual(nameKeys(w));
        for (const k of Object.keys(nameKeys(w))) keys.add(k);
        compared++;
      }
    }
    expect(compared).toBeGreaterThan(20);
    expect([...keys]).toEqual(expect.arrayContaining(['issuerOrganizationalUnit', 'subjectMsJurisdictionCountry', 'subjectSerialNumber']));
  });

  it('issuer and subject read like `openssl x509 -text` prints them', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ja4x-'));
    try {
      let checked = 0;
      const seen = new Set<string>();
      for (const file of withX509) {
        for (const ders of tsharkCertificates(file).values()) {
          for (const der of ders) {
            const key = Buffer.from(der).toString('base64');
            if (seen.has(key) || checked >= 12) continue;
            seen.add(key);
            const p = join(dir, 'c.der');
            writeFileSync(p, der);
            const text = execFileSync('openssl', ['x509', '-inform', 'DER', '-in', p, '-noout', '-text', '-nameopt', 'oneline,-esc_msb'], { encoding: 'utf8' });
            const issuer = /Issuer: (.*)/.exec(text)![1]!;
            const subject = /Subject: (.*)/.exec(text)?.[1] ?? '';
            const r = computeJa4x(der);
            // openssl escapes a few characters (\, , + " < > ; and non-ASCII); compare certificates without them.
            if (/[\\"<>;+]/.test(issuer + subject) || /,.*=/.test(r.certificate.issuer.concat(r.certificate.subject).map((a) => a.value).join('\n')) || /[^\x20-\x7e]/.test(issuer + subject + r.issuer + r.subject)) continue;
            expect(r.issuer).toBe(issuer.trim());
            expect(r.subject).toBe(subject.trim());
            checked++;
          }
        }
      }
      expect(checked).toBeGreaterThanOrEqual(12);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a certificate made by openssl: OIDs by X.660 arcs, extensions in the order `openssl asn1parse` shows', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ja4x-'));
    try {
      execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', join(dir, 'k.pem'), '-out', join(dir, 'c.der'), '-outform', 'DER',
        '-subj', '/C=DE/ST=Berlin/O=Helloscope Test/OU=QA/CN=example.test', '-addext', 'subjectAltName=DNS:example.test', '-addext', 'keyUsage=digitalSignature', '-days', '1'], { stdio: 'pipe' });
      const der = new Uint8Array(readFileSync(join(dir, 'c.der')));
      const asn1 = execFileSync('openssl', ['asn1parse', '-inform', 'DER', '-in', join(dir, 'c.der')], { encoding: 'utf8' });
      const EXT: Record<string, string> = {
        'X509v3 Subject Key Identifier': '551d0e', 'X509v3 Authority Key Identifier': '551d23', 'X509v3 Basic Constraints': '551d13',
        'X509v3 Subject Alternative Name': '551d11', 'X509v3 Key Usage': '551d0f',
      };
      const exts = [...asn1.matchAll(/OBJECT\s+:(X509v3 [^\n]+)/g)].map((m) => EXT[m[1]!.trim()]!);
      expect(exts).toHaveLength(5);
      // countryName 2.5.4.6 = 55 04 06, stateOrProvinceName .8, organizationName .10, organizationalUnitName .11, commonName .3
      const names = '550406,550408,55040a,55040b,550403';
      const r = computeJa4x(der);
      expect(r.ja4x_r).toBe(`${names}_${names}_${exts.join(',')}`);
      expect(r.ja4x).toBe(`${h12(names)}_${h12(names)}_${h12(exts.join(','))}`);
      expect(r.subject).toBe('C = DE, ST = Berlin, O = Helloscope Test, OU = QA, CN = example.test');
      expect(r.certificate.version).toBe(3);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('an empty part is 000000000000 and damaged DER gives problems, never an exception', () => {
    const bad = parseCertificate(Uint8Array.from([0x30, 0x82, 0xff, 0xff, 0x30]));
    expect(bad.problems.length).toBeGreaterThan(0);
    expect(computeJa4x(new Uint8Array()).ja4x).toBe('000000000000_000000000000_000000000000');
    const der = tsharkCertificates('badcurveball.pcap').values().next().value![0]!;
    for (let i = 0; i < 400; i++) {
      const m = der.slice();
      m[(i * 7919) % m.length]! ^= 1 << (i % 8);
      const cut = i % 3 === 0 ? m.subarray(0, (i * 13) % m.length) : m;
      expect(() => computeJa4x(cut)).not.toThrow();
      expect(() => parseDer(cut)).not.toThrow();
    }
  });
});

describe('certificate dissection', () => {
  it('every DER element has a byte range inside the certificate; parts are named', async () => {
    const { dissectCertificate } = await import('../../../../core/x509/index.js');
    const { checkFieldInvariants } = await import('../../../../core/dissect/validate.js');
    const { findField } = await import('../../../../core/dissect/field.js');
    let n = 0;
    for (const ders of tsharkCertificates('browsers-x509.pcapng').values()) {
      for (const der of ders) {
        const d = dissectCertificate(der);
        expect(d.problems).toEqual([]);
        expect(checkFieldInvariants(d.fields, d.sources)).toEqual([]);
        const c = parseCertificate(der);
        expect(findField(d.fields, 'x509.subject')).toMatchObject({ start: c.ranges.subject![0], length: c.ranges.subject![1] });
        expect(findField(d.fields, 'x509.extensions')).toBeDefined();
        n++;
      }
    }
    expect(n).toBeGreaterThan(5);
  });
});
