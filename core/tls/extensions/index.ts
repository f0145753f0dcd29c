import { OutOfBytes, type FieldReader } from '../../bytes/field-reader.js';
import { extensionName } from '../iana/registry.js';
import { isGrease } from '../grease.js';
import type { ExtensionRef } from '../model.js';
import { decodeAlpn, decodeApplicationSettings } from './alpn.js';
import type { ExtensionContext, ExtensionDecoder } from './context.js';
import { decodeEch, decodeEchOuterExtensions } from './ech.js';
import { decodeEcPointFormats, decodeKeyShare, decodePskModes, decodeSupportedGroups } from './groups.js';
import {
  decodeCertificateAuthorities, decodeCertificateType, decodeCompressCertificate, decodeConnectionId, decodeEmpty,
  decodeHeartbeat, decodeMaxFragmentLength, decodePadding, decodeRecordSizeLimit, decodeRenegotiationInfo, decodeSct,
  decodeStatusRequest, decodeTicketRequest, decodeUseSrtp,
} from './misc.js';
import { decodeCookie, decodeEarlyData, decodePreSharedKey, decodeSessionTicket } from './psk.js';
import { decodeQuicTransportParameters } from './quic-transport-parameters.js';
import { decodeServerName } from './server-name.js';
import { decodeDelegatedCredentials, decodeSignatureAlgorithms, decodeSignatureAlgorithmsCert } from './signatures.js';
import { decodeSupportedVersions } from './versions.js';

/** Extensions whose data is empty by definition (in a ClientHello). */
const EMPTY = new Set([22, 23, 49, 0x3374, 0x754f, 0x7550]);

/** Decoders keyed by extension type; anything else is kept as raw bytes with its id. */
export const EXTENSION_DECODERS: ReadonlyMap<number, ExtensionDecoder> = new Map<number, ExtensionDecoder>([
  [0, decodeServerName],
  [1, decodeMaxFragmentLength],
  [5, decodeStatusRequest],
  [10, decodeSupportedGroups],
  [11, decodeEcPointFormats],
  [13, decodeSignatureAlgorithms],
  [14, decodeUseSrtp],
  [15, decodeHeartbeat],
  [16, decodeAlpn],
  [18, decodeSct],
  [19, decodeCertificateType],
  [20, decodeCertificateType],
  [21, decodePadding],
  [22, decodeEmpty], // encrypt_then_mac
  [23, decodeEmpty], // extended_master_secret
  [27, decodeCompressCertificate],
  [28, decodeRecordSizeLimit],
  [34, decodeDelegatedCredentials],
  [35, decodeSessionTicket],
  [41, decodePreSharedKey],
  [42, decodeEarlyData],
  [43, decodeSupportedVersions],
  [44, decodeCookie],
  [45, decodePskModes],
  [47, decodeCertificateAuthorities],
  [49, decodeEmpty], // post_handshake_auth
  [50, decodeSignatureAlgorithmsCert],
  [51, decodeKeyShare],
  [54, decodeConnectionId],
  [57, decodeQuicTransportParameters],
  [58, decodeTicketRequest],
  [0x3374, decodeEmpty], // next_protocol_negotiation (empty in a ClientHello)
  [0x4469, decodeApplicationSettings],
  [0x44cd, decodeApplicationSettings],
  [0x754f, decodeEmpty], // channel_id
  [0xfd00, decodeEchOuterExtensions],
  [0xfe0d, decodeEch],
  [0xff01, decodeRenegotiationInfo],
]);

/**
 * Reads an extensions block (u16 length, then type/length/data entries). Each extension is
 * decoded in its own bounds: a malformed one gets a problem and the next one is still read.
 */
export function readExtensions(r: FieldReader, ctx: ExtensionContext): ExtensionRef[] {
  const out: ExtensionRef[] = [];
  const block = r.vector(2, 'tls.handshake.extensions_length', 'Extensions Length', 'extensions');
  const seen = new Set<number>();
  while (block.left > 0) {
    const start = block.pos;
    if (block.left < 4) {
      block.problem('error', 'truncated', `extension header needs 4 bytes at offset ${start} but only ${block.left} are left`);
      block.bytes('_ws.malformed', 'Malformed extension header', block.left);
      break;
    }
    const type = block.peekU16();
    const tree = block.tree;
    if (tree) block.open('tls.handshake.extension', 'Extension', '', start, isGrease(type));
    block.u16('tls.handshake.extension.type', 'Type', extensionName, isGrease);
    const what = (): string => `extension ${extensionName(type)}`;
    const data = block.vector(2, 'tls.handshake.extension.len', 'Length', what);
    const length = data.left;
    out.push({ type, start, length });
    if (seen.has(type) && !isGrease(type)) data.problem('warning', 'duplicate_extension', `extension ${extensionName(type)} appears more than once (offset ${start})`, start);
    seen.add(type);
    const decoder = isGrease(type) ? undefined : EXTENSION_DECODERS.get(type);
    if (decoder) {
      const depth = block.sink.depth;
      try {
        decoder(data, ctx);
        if (EMPTY.has(type) && data.left > 0 && ctx.message === 'client_hello') data.problem('warning', 'unexpected_data', `extension ${extensionName(type)} should be empty but has ${length} bytes at offset ${start + 4}`);
      } catch (e) {
        if (!(e instanceof OutOfBytes)) throw e;
        block.sink.unwindTo(depth, data.end);
        data.problem('error', 'truncated', `extension ${extensionName(type)}: ${e.message}`, e.offset);
        data.pos = data.end;
      }
    } else if (data.left > 0) {
      data.bytes('tls.handshake.extension.data', 'Data', data.left);
    }
    block.finish(data, what);
    if (tree) block.close(`${extensionName(type).replace(/ \(0x[0-9a-f]+\)$/, '')} (len=${length})`);
  }
  r.finish(block, 'extensions');
  return out;
}
