import type { ExtensionDecoder } from './context.js';
import { enumFmt } from './lists.js';
import { hexLabel } from '../../bytes/hex.js';

const KDFS = { 1: 'HKDF-SHA256', 2: 'HKDF-SHA384', 3: 'HKDF-SHA512' };
const AEADS = { 1: 'AES-128-GCM', 2: 'AES-256-GCM', 3: 'ChaCha20Poly1305', 0xffff: 'Export-only' };

/** encrypted_client_hello (0xfe0d), RFC 9849: ECHClientHello in a ClientHello, retry configs or an HRR confirmation otherwise. */
export const decodeEch: ExtensionDecoder = (r, ctx) => {
  if (ctx.message === 'hello_retry_request') {
    r.bytes('tls.ech.confirmation', 'Confirmation', r.left);
    return;
  }
  if (ctx.message !== 'client_hello') {
    r.bytes('tls.ech.retry_configs', 'Retry Configs (ECHConfigList)', r.left);
    return;
  }
  const type = r.u8('tls.ech.client_hello_type', 'Client Hello type', enumFmt({ 0: 'outer', 1: 'inner' }));
  ctx.target.echType = type;
  if (type !== 0) return;
  r.open('tls.ech.cipher_suite', 'Cipher Suite');
  r.u16('tls.ech.cipher_suite.kdf_id', 'KDF Id', (v) => `${(KDFS as Record<number, string>)[v] ?? 'Unknown'} (${hexLabel(v)})`);
  r.u16('tls.ech.cipher_suite.aead_id', 'AEAD Id', (v) => `${(AEADS as Record<number, string>)[v] ?? 'Unknown'} (${hexLabel(v)})`);
  r.close();
  r.u8('tls.ech.config_id', 'Config Id');
  const enc = r.vector(2, 'tls.ech.enc_length', 'Enc length', 'enc');
  if (enc.left) enc.bytes('tls.ech.enc', 'Enc', enc.left);
  r.finish(enc, 'enc');
  const payload = r.vector(2, 'tls.ech.payload_length', 'Payload length', 'payload');
  payload.bytes('tls.ech.payload', 'Payload', payload.left, (b) => `${b.length} bytes (encrypted ClientHelloInner)`);
  r.finish(payload, 'payload');
};

/** ech_outer_extensions (0xfd00): only valid inside ClientHelloInner. */
export const decodeEchOuterExtensions: ExtensionDecoder = (r) => {
  const list = r.vector(1, 'tls.ech.outer_extensions_length', 'Outer Extensions length', 'ech_outer_extensions');
  while (list.left >= 2) list.u16('tls.ech.outer_extension', 'Outer Extension', (v) => hexLabel(v));
  r.finish(list, 'ech_outer_extensions');
};
