import { signatureSchemeName } from '../iana/registry.js';
import type { ExtensionDecoder } from './context.js';
import { readU16List } from './lists.js';

/**
 * signature_algorithms (13). Its list gets its own key: JA4 takes signature algorithms from this
 * extension only, never from signature_algorithms_cert or delegated_credentials (FoxIO #41).
 */
export const decodeSignatureAlgorithms: ExtensionDecoder = (r, ctx) => {
  ctx.target.signatureAlgorithmsOffset = r.pos + 2;
  ctx.target.signatureAlgorithms = readU16List(r, 2, 'tls.handshake.sig_hash_alg_len', 'Signature Hash Algorithms Length',
    'tls.handshake.sig_hash_alg', 'Signature Algorithm', 'signature_algorithms', signatureSchemeName);
};

/** signature_algorithms_cert (50), RFC 8446 section 4.2.3. */
export const decodeSignatureAlgorithmsCert: ExtensionDecoder = (r) => {
  readU16List(r, 2, 'tls.handshake.sig_hash_alg_cert_len', 'Signature Hash Algorithms (cert) Length',
    'tls.handshake.sig_hash_alg_cert', 'Signature Algorithm (cert)', 'signature_algorithms_cert', signatureSchemeName);
};

/** delegated_credentials (34), RFC 9345: the client's list of accepted credential signature schemes. */
export const decodeDelegatedCredentials: ExtensionDecoder = (r, ctx) => {
  if (ctx.message !== 'client_hello') {
    r.bytes('tls.handshake.delegated_credential', 'Delegated Credential', r.left);
    return;
  }
  readU16List(r, 2, 'tls.handshake.delegated_credential.sig_hash_alg_len', 'Signature Hash Algorithms Length',
    'tls.handshake.delegated_credential.sig_hash_alg', 'Signature Algorithm', 'delegated_credentials', signatureSchemeName);
};
