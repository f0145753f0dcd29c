// Decrypting one TLS connection from a key log: TLS 1.3 (AES-128-GCM, AES-256-GCM,
// ChaCha20-Poly1305) and TLS 1.2 AEAD suites (AES-GCM, ChaCha20-Poly1305), with @noble/ciphers
// so core/ stays free of Node. Input: each direction's reassembled TCP payload from its first TLS record. Output: each
// direction's application data, the server's TLS 1.3 handshake messages (Certificate...), and
// problems (a missing or wrong key is a problem, never an exception).
import { concatBytes } from '../../bytes/concat.js';
import { gcm } from '@noble/ciphers/aes.js';
import { chacha20poly1305 } from '@noble/ciphers/chacha.js';
import { expand } from '@noble/hashes/hkdf.js';
import { hmac } from '@noble/hashes/hmac.js';
import { sha256, sha384 } from '@noble/hashes/sha2.js';
import { toHex } from '../../bytes/hex.js';
import type { Problem } from '../../dissect/field.js';
import type { ClientHello, ServerHello } from '../model.js';
import type { KeyLog } from './keylog.js';

type Hash = import('@noble/hashes/utils.js').CHash;
interface Suite { aead: 'gcm' | 'chacha'; keyLen: number; hash: Hash; tls13: boolean }

const SUITES: Record<number, Suite> = {
  0x1301: { aead: 'gcm', keyLen: 16, hash: sha256, tls13: true },
  0x1302: { aead: 'gcm', keyLen: 32, hash: sha384, tls13: true },
  0x1303: { aead: 'chacha', keyLen: 32, hash: sha256, tls13: true },
  0xc02b: { aead: 'gcm', keyLen: 16, hash: sha256, tls13: false },
  0xc02f: { aead: 'gcm', keyLen: 16, hash: sha256, tls13: false },
  0x009c: { aead: 'gcm', keyLen: 16, hash: sha256, tls13: false },
  0x009e: { aead: 'gcm', keyLen: 16, hash: sha256, tls13: false },
  0xc02c: { aead: 'gcm', keyLen: 32, hash: sha384, tls13: false },
  0xc030: { aead: 'gcm', keyLen: 32, hash: sha384, tls13: false },
  0x009d: { aead: 'gcm', keyLen: 32, hash: sha384, tls13: false },
  0x009f: { aead: 'gcm', keyLen: 32, hash: sha384, tls13: false },
  0xcca8: { aead: 'chacha', keyLen: 32, hash: sha256, tls13: false },
  0xcca9: { aead: 'chacha', keyLen: 32, hash: sha256, tls13: false },
  0xccaa: { aead: 'chacha', keyLen: 32, hash: sha256, tls13: false },
};

const ascii = (s: string): Uint8Array => Uint8Array.from(s, (c) => c.charCodeAt(0));
const concat = (...a: Uint8Array[]): Uint8Array => concatBytes(a);

function expandLabel(hash: Hash, secret: Uint8Array, label: string, length: number): Uint8Array {
  const full = ascii(`tls13 ${label}`);
  const info = concat(new Uint8Array([length >> 8, length & 0xff, full.length]), full, new Uint8Array([0]));
  return expand(hash, secret, info, length);
}

/** TLS 1.2 PRF (RFC 5246 section 5) with the suite's hash. */
function prf(hash: Hash, secret: Uint8Array, label: string, seed: Uint8Array, length: number): Uint8Array {
  const s = concat(ascii(label), seed);
  const out = new Uint8Array(length);
  let a = s, at = 0;
  while (at < length) {
    a = hmac(hash, secret, a);
    const block = hmac(hash, secret, concat(a, s));
    out.set(block.subarray(0, Math.min(block.length, length - at)), at);
    at += block.length;
  }
  return out;
}

interface Keys { key: Uint8Array; iv: Uint8Array; seq: number }

function nonceXor(iv: Uint8Array, seq: number): Uint8Array {
  const n = iv.slice();
  for (let i = 0; i < 8; i++) n[n.length - 1 - i]! ^= i < 6 ? Math.floor(seq / 2 ** (8 * i)) & 0xff : 0;
  return n;
}
const seqBytes = (seq: number): Uint8Array => {
  const b = new Uint8Array(8);
  for (let i = 0; i < 6; i++) b[7 - i] = Math.floor(seq / 2 ** (8 * i)) & 0xff;
  return b;
};

function open(suite: Suite, key: Uint8Array, nonce: Uint8Array, aad: Uint8Array, ct: Uint8Array): Uint8Array | null {
  try {
    return suite.aead === 'gcm' ? gcm(key, nonce, aad).decrypt(ct) : chacha20poly1305(key, nonce, aad).decrypt(ct);
  } catch {
    return null;
  }
}

export interface DecryptedConnection {
  version: 'TLS 1.3' | 'TLS 1.2';
  cipherSuite: number;
  /** Application data of each direction, in order. */
  client: Uint8Array;
  server: Uint8Array;
  /** Server handshake messages decrypted (TLS 1.3: EncryptedExtensions, Certificate...). */
  serverHandshake: Uint8Array;
  problems: Problem[];
}

interface Rec { type: number; version: number; header: Uint8Array; body: Uint8Array }
function records(b: Uint8Array): Rec[] {
  const out: Rec[] = [];
  for (let p = 0; p + 5 <= b.length;) {
    const len = (b[p + 3]! << 8) | b[p + 4]!;
    if (p + 5 + len > b.length) break;
    out.push({ type: b[p]!, version: (b[p + 1]! << 8) | b[p + 2]!, header: b.subarray(p, p + 5), body: b.subarray(p + 5, p + 5 + len) });
    p += 5 + len;
  }
  return out;
}

export function decryptTlsConnection(clientStream: Uint8Array, serverStream: Uint8Array, ch: ClientHello, sh: ServerHello, keylog: KeyLog): DecryptedConnection | { problems: Problem[] } {
  const problem = (code: string, message: string): { problems: Problem[] } => ({ problems: [{ severity: 'warning', code, message }] });
  const suite = SUITES[sh.cipherSuite];
  const tls13 = (sh.supportedVersions?.[0] ?? sh.legacyVersion) === 0x0304;
  if (!suite || suite.tls13 !== tls13) return problem('decrypt_unsupported', `cipher suite 0x${sh.cipherSuite.toString(16).padStart(4, '0')} cannot be decrypted (only AEAD suites)`);
  const random = toHex(ch.random);
  const secrets = keylog.byRandom.get(random);
  if (!secrets) return problem('decrypt_no_key', `no key log entry for client random ${random.slice(0, 16)}...`);
  const out: DecryptedConnection = { version: tls13 ? 'TLS 1.3' : 'TLS 1.2', cipherSuite: sh.cipherSuite, client: new Uint8Array(0), server: new Uint8Array(0), serverHandshake: new Uint8Array(0), problems: [] };
  const app: Uint8Array[][] = [[], []];
  const shs: Uint8Array[] = [];
  const ivLen = 12;
  if (tls13) {
    const need = ['CLIENT_HANDSHAKE_TRAFFIC_SECRET', 'SERVER_HANDSHAKE_TRAFFIC_SECRET', 'CLIENT_TRAFFIC_SECRET_0', 'SERVER_TRAFFIC_SECRET_0'];
    const missing = need.filter((n) => !secrets.has(n));
    if (missing.length) return problem('decrypt_no_key', `key log lacks ${missing.join(', ')} for this connection`);
    const mk = (name: string): Keys => { const s = secrets.get(name)!; return { key: expandLabel(suite.hash, s, 'key', suite.keyLen), iv: expandLabel(suite.hash, s, 'iv', ivLen), seq: 0 }; };
    [[clientStream, 'CLIENT'], [serverStream, 'SERVER']].forEach(([stream, side], dir) => {
      let keys = mk(`${side}_HANDSHAKE_TRAFFIC_SECRET`);
      let phase: 'handshake' | 'app' = 'handshake';
      for (const r of records(stream as Uint8Array)) {
        if (r.type !== 23) continue;
        const pt = open(suite, keys.key, nonceXor(keys.iv, keys.seq), r.header, r.body);
        if (!pt) {
          // A client may skip straight to application keys (0-RTT aside); try them once.
          if (phase === 'handshake') {
            const k2 = mk(`${side}_TRAFFIC_SECRET_0`);
            const pt2 = open(suite, k2.key, nonceXor(k2.iv, 0), r.header, r.body);
            if (pt2) { keys = k2; phase = 'app'; keys.seq = 1; pushInner(pt2, dir, phase); continue; }
          }
          out.problems.push({ severity: 'warning', code: 'decrypt_failed', message: `${String(side).toLowerCase()} record ${keys.seq} did not decrypt (wrong key, or a key update)` });
          break;
        }
        keys.seq++;
        const isFinished = pushInner(pt, dir, phase);
        if (phase === 'handshake' && isFinished) { keys = mk(`${side}_TRAFFIC_SECRET_0`); phase = 'app'; }
      }
    });
    function pushInner(pt: Uint8Array, dir: number, phase: string): boolean {
      let end = pt.length;
      while (end > 0 && pt[end - 1] === 0) end--;
      if (end === 0) return false;
      const type = pt[end - 1]!;
      const content = pt.subarray(0, end - 1);
      if (type === 23) app[dir]!.push(content);
      else if (type === 22) {
        if (dir === 1) shs.push(content);
        // Finished (20) ends the handshake keys of this direction.
        for (let p = 0; p + 4 <= content.length;) {
          const t = content[p]!, l = (content[p + 1]! << 16) | (content[p + 2]! << 8) | content[p + 3]!;
          if (t === 20 && phase === 'handshake') return true;
          p += 4 + l;
        }
      }
      return false;
    }
  } else {
    const master = secrets.get('CLIENT_RANDOM');
    if (!master) return problem('decrypt_no_key', 'key log lacks CLIENT_RANDOM for this connection');
    const fixedIv = suite.aead === 'gcm' ? 4 : 12;
    const kb = prf(suite.hash, master, 'key expansion', concat(sh.random, ch.random), 2 * suite.keyLen + 2 * fixedIv);
    const dirs: Keys[] = [
      { key: kb.subarray(0, suite.keyLen), iv: kb.subarray(2 * suite.keyLen, 2 * suite.keyLen + fixedIv), seq: 0 },
      { key: kb.subarray(suite.keyLen, 2 * suite.keyLen), iv: kb.subarray(2 * suite.keyLen + fixedIv, 2 * suite.keyLen + 2 * fixedIv), seq: 0 },
    ];
    [clientStream, serverStream].forEach((stream, dir) => {
      const k = dirs[dir]!;
      let encrypted = false;
      for (const r of records(stream)) {
        if (r.type === 20) { encrypted = true; continue; }
        if (!encrypted) continue;
        let nonce: Uint8Array, ct: Uint8Array;
        if (suite.aead === 'gcm') { nonce = concat(k.iv, r.body.subarray(0, 8)); ct = r.body.subarray(8); }
        else { nonce = nonceXor(k.iv, k.seq); ct = r.body; }
        const plainLen = ct.length - 16;
        if (plainLen < 0) break;
        const aad = concat(seqBytes(k.seq), new Uint8Array([r.type, r.version >> 8, r.version & 0xff, plainLen >> 8, plainLen & 0xff]));
        const pt = open(suite, k.key, nonce, aad, ct);
        if (!pt) { out.problems.push({ severity: 'warning', code: 'decrypt_failed', message: `${dir ? 'server' : 'client'} record ${k.seq} did not decrypt (wrong key?)` }); break; }
        k.seq++;
        if (r.type === 23) app[dir]!.push(pt);
      }
    });
  }
  out.client = concat(...app[0]!);
  out.server = concat(...app[1]!);
  out.serverHandshake = concat(...shs);
  return out;
}
