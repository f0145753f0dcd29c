// An independent JA4 reference for recorded fixtures: computed from tshark's own dissection
// (tshark -T json), not from Helloscope's parser, straight from the JA4 specification. The
// recorder stores its result as the fixture's expected JA4, so tests compare two implementations.
import { createHash } from 'node:crypto';

const isGrease = (v) => (v & 0x0f0f) === 0x0a0a && v >> 8 === (v & 0xff);
const h12 = (s) => (s === '' ? '000000000000' : createHash('sha256').update(s).digest('hex').slice(0, 12));
const hex4 = (v) => v.toString(16).padStart(4, '0');
const arr = (x) => (x === undefined ? [] : Array.isArray(x) ? x : [x]);
const VERSIONS = { 0x0304: '13', 0x0303: '12', 0x0302: '11', 0x0301: '10', 0x0300: 's3', 0x0002: 's2', 0xfeff: 'd1', 0xfefd: 'd2', 0xfefc: 'd3' };

/** Extension objects of a tshark JSON handshake node, in wire order. */
function extensionsOf(hs) {
  const out = [];
  for (const [k, v] of Object.entries(hs)) {
    if (!k.startsWith('Extension: ')) continue;
    for (const e of arr(v)) out.push(e);
  }
  // tshark groups duplicate keys; restore wire order is impossible for groups, so callers use the
  // type list from tls.handshake.extension.type occurrences (wire order) and these objects for data.
  return out;
}

function deepFind(obj, key, out = []) {
  if (obj && typeof obj === 'object') {
    for (const [k, v] of Object.entries(obj)) {
      if (k === key) out.push(...arr(v));
      else deepFind(v, key, out);
    }
  }
  return out;
}

/**
 * @param hs tshark JSON `tls.handshake` object of one ClientHello
 * @param extTypesInOrder decimal extension types in wire order (from `-e tls.handshake.extension.type`)
 * @param transport 't' | 'q' | 'd'
 */
export function ja4FromTshark(hs, extTypesInOrder, transport = 't') {
  const ciphers = deepFind(hs['tls.handshake.ciphersuites'], 'tls.handshake.ciphersuite').map((x) => parseInt(x, 16)).filter((c) => !isGrease(c));
  const exts = extTypesInOrder.filter((e) => !isGrease(e));
  const extObjs = extensionsOf(hs);
  const byType = (t) => extObjs.find((o) => Number(o['tls.handshake.extension.type']) === t);
  const sv = byType(43);
  const versions = sv ? deepFind(sv, 'tls.handshake.extensions.supported_version').map((x) => parseInt(x, 16)).filter((v) => !isGrease(v)) : [];
  const version = versions.length ? Math.max(...versions) : parseInt(hs['tls.handshake.version'], 16);
  const alpnExt = byType(16);
  const firstAlpn = alpnExt ? deepFind(alpnExt, 'tls.handshake.extensions_alpn_str')[0] : undefined;
  let alpn = '00';
  if (firstAlpn) {
    const isAln = (c) => /[0-9A-Za-z]/.test(c);
    alpn = isAln(firstAlpn[0]) && isAln(firstAlpn.at(-1)) ? firstAlpn[0] + firstAlpn.at(-1) : (() => { const h = Buffer.from(firstAlpn, 'latin1').toString('hex'); return h[0] + h.at(-1); })();
  }
  const sigExt = byType(13);
  const sigalgs = sigExt ? deepFind(sigExt, 'tls.handshake.sig_hash_alg').map((x) => parseInt(x, 16)).filter((s) => !isGrease(s)).map(hex4) : [];
  const two = (n) => String(Math.min(n, 99)).padStart(2, '0');
  const a = `${transport}${VERSIONS[version] ?? '00'}${exts.includes(0) ? 'd' : 'i'}${two(ciphers.length)}${two(exts.length)}${alpn}`;
  const sortedExts = exts.filter((e) => e !== 0 && e !== 16).map(hex4).sort();
  const c = sortedExts.length === 0 ? '' : sortedExts.join(',') + (sigalgs.length ? '_' + sigalgs.join(',') : '');
  const oc = exts.length === 0 ? '' : exts.map(hex4).join(',') + (sigalgs.length ? '_' + sigalgs.join(',') : '');
  return {
    ja4: `${a}_${h12(ciphers.map(hex4).sort().join(','))}_${h12(c)}`,
    ja4_o: `${a}_${h12(ciphers.map(hex4).join(','))}_${h12(oc)}`,
  };
}
