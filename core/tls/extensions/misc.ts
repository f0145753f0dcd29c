import { hexLabel } from '../../bytes/hex.js';
import { isGrease } from '../grease.js';
import type { ExtensionDecoder } from './context.js';
import { enumFmt, readU16List, readU8List } from './lists.js';

const STATUS_TYPES = { 1: 'ocsp', 2: 'ocsp_multi' };

/** status_request (5), RFC 6066 section 8: OCSP request in a ClientHello, empty elsewhere. */
export const decodeStatusRequest: ExtensionDecoder = (r, ctx) => {
  if (r.left === 0 || ctx.message !== 'client_hello') return;
  const type = r.u8('tls.handshake.extensions_status_request_type', 'Certificate Status Type', enumFmt(STATUS_TYPES));
  if (type !== 1) return;
  const ids = r.vector(2, 'tls.handshake.extensions_status_request_responder_ids_len', 'Responder ID list Length', 'responder_id_list');
  if (ids.left) ids.bytes('tls.handshake.extensions_status_request_responder_ids', 'Responder ID list', ids.left);
  r.finish(ids, 'responder_id_list');
  const exts = r.vector(2, 'tls.handshake.extensions_status_request_exts_len', 'Request Extensions Length', 'request_extensions');
  if (exts.left) exts.bytes('tls.handshake.extensions_status_request_exts', 'Request Extensions', exts.left);
  r.finish(exts, 'request_extensions');
};

/** signed_certificate_timestamp (18), RFC 6962: empty in a ClientHello, SCT list from a server. */
export const decodeSct: ExtensionDecoder = (r) => {
  if (r.left === 0) return;
  const list = r.vector(2, 'tls.sct.scts_length', 'Serialized SCT List Length', 'SCT list');
  while (list.left > 0) {
    const sct = list.vector(2, 'tls.sct.sct_length', 'Serialized SCT Length', 'SCT');
    sct.bytes('tls.sct', 'Signed Certificate Timestamp', sct.left);
    list.finish(sct, 'SCT');
  }
  r.finish(list, 'SCT list');
};

/** renegotiation_info (65281), RFC 5746. */
export const decodeRenegotiationInfo: ExtensionDecoder = (r) => {
  const v = r.vector(1, 'tls.handshake.extensions_reneg_info_len', 'Renegotiation info extension length', 'renegotiated_connection');
  if (v.left) v.bytes('tls.handshake.extensions_reneg_info', 'Renegotiation info', v.left);
  r.finish(v, 'renegotiated_connection');
};

/** record_size_limit (28), RFC 8449. */
export const decodeRecordSizeLimit: ExtensionDecoder = (r, ctx) => {
  ctx.target.recordSizeLimit = r.u16('tls.record_size_limit', 'Record Size Limit');
};

const CERT_COMPRESSION = { 1: 'zlib', 2: 'brotli', 3: 'zstd' };

/** compress_certificate (27), RFC 8879. */
export const decodeCompressCertificate: ExtensionDecoder = (r, ctx) => {
  const fmt = (v: number): string => isGrease(v) ? `Reserved (GREASE) (${hexLabel(v)})` : `${(CERT_COMPRESSION as Record<number, string>)[v] ?? 'Unknown'} (${v})`;
  const list = r.vector(1, 'tls.compress_certificate.algorithms_length', 'Algorithms Length', 'compress_certificate algorithms');
  const out: number[] = [];
  while (list.left >= 2) out.push(list.u16('tls.compress_certificate.algorithm', 'Algorithm', fmt, isGrease));
  r.finish(list, 'compress_certificate algorithms');
  ctx.target.certCompressionAlgorithms = out;
};

/** padding (21), RFC 7685: zero bytes. */
export const decodePadding: ExtensionDecoder = (r) => {
  if (r.left === 0) return;
  const start = r.pos;
  const data = r.bytes('tls.handshake.extensions_padding_data', 'Padding Data', r.left, (b) => `${b.length} bytes`);
  let nz = -1;
  for (let i = 0; i < data.length; i++) if (data[i] !== 0) { nz = i; break; }
  if (nz >= 0) r.problem('warning', 'padding_not_zero', `padding extension has a non-zero byte at offset ${start + nz} (RFC 7685 requires zeros)`, start + nz);
};

const FRAGMENT_LENGTHS = { 1: '512', 2: '1024', 3: '2048', 4: '4096' };
/** max_fragment_length (1), RFC 6066 section 4. */
export const decodeMaxFragmentLength: ExtensionDecoder = (r) => {
  r.u8('tls.handshake.max_fragment_length', 'Maximum Fragment Length', enumFmt(FRAGMENT_LENGTHS));
};

/** heartbeat (15), RFC 6520. */
export const decodeHeartbeat: ExtensionDecoder = (r) => {
  r.u8('tls.handshake.extension.heartbeat.mode', 'Mode', enumFmt({ 1: 'peer_allowed_to_send', 2: 'peer_not_allowed_to_send' }));
};

const CERT_TYPES = { 0: 'X.509', 1: 'OpenPGP', 2: 'RawPublicKey', 3: '1609Dot2' };
/** client_certificate_type (19) / server_certificate_type (20), RFC 7250. */
export const decodeCertificateType: ExtensionDecoder = (r, ctx) => {
  if (ctx.message === 'client_hello') {
    readU8List(r, 'tls.handshake.cert_types_count', 'Certificate Types Length', 'tls.handshake.cert_type', 'Certificate Type', 'certificate types', enumFmt(CERT_TYPES));
  } else {
    r.u8('tls.handshake.cert_type', 'Certificate Type', enumFmt(CERT_TYPES));
  }
};

/** certificate_authorities (47), RFC 8446 section 4.2.4. */
export const decodeCertificateAuthorities: ExtensionDecoder = (r) => {
  const list = r.vector(2, 'tls.handshake.certificate_authorities_length', 'Distinguished Names Length', 'certificate_authorities');
  while (list.left > 0) {
    const dn = list.vector(2, 'tls.handshake.dnames_len', 'Distinguished Name Length', 'distinguished name');
    dn.bytes('tls.handshake.dname', 'Distinguished Name', dn.left);
    list.finish(dn, 'distinguished name');
  }
  r.finish(list, 'certificate_authorities');
};

/** use_srtp (14), RFC 5764. */
export const decodeUseSrtp: ExtensionDecoder = (r) => {
  readU16List(r, 2, 'dtls.use_srtp.protection_profiles_length', 'SRTP Protection Profiles Length', 'dtls.use_srtp.protection_profile', 'SRTP Protection Profile', 'SRTP protection profiles', (v) => hexLabel(v));
  const mki = r.vector(1, 'dtls.use_srtp.mki_length', 'MKI Length', 'srtp_mki');
  if (mki.left) mki.bytes('dtls.use_srtp.mki', 'MKI', mki.left);
  r.finish(mki, 'srtp_mki');
};

/** connection_id (54), RFC 9146. */
export const decodeConnectionId: ExtensionDecoder = (r) => {
  const cid = r.vector(1, 'tls.connection_id_length', 'Connection ID length', 'connection_id');
  if (cid.left) cid.bytes('tls.connection_id', 'Connection ID', cid.left);
  r.finish(cid, 'connection_id');
};

/** ticket_request (58), RFC 9149. */
export const decodeTicketRequest: ExtensionDecoder = (r, ctx) => {
  if (ctx.message === 'client_hello') {
    r.u8('tls.ticket_request.new_session_count', 'New Session Count');
    r.u8('tls.ticket_request.resumption_count', 'Resumption Count');
  } else {
    r.u8('tls.ticket_request.expected_count', 'Expected Count');
  }
};

/** Extensions with no data by definition; non-empty data is reported by the caller. */
export const decodeEmpty: ExtensionDecoder = () => {};
