import { groupName } from '../iana/registry.js';
import { isGrease } from '../grease.js';
import { isClient, type ExtensionDecoder } from './context.js';
import { enumFmt, readU16List, readU8List } from './lists.js';

/** supported_groups (10), RFC 8422 / RFC 8446. */
export const decodeSupportedGroups: ExtensionDecoder = (r, ctx) => {
  ctx.target.supportedGroups = readU16List(r, 2, 'tls.handshake.extensions_supported_groups_length', 'Supported Groups List Length',
    'tls.handshake.extensions_supported_group', 'Supported Group', 'supported_groups', groupName);
};

const POINT_FORMATS = { 0: 'uncompressed', 1: 'ansiX962_compressed_prime', 2: 'ansiX962_compressed_char2' };

/** ec_point_formats (11), RFC 8422 section 5.1.2. */
export const decodeEcPointFormats: ExtensionDecoder = (r, ctx) => {
  ctx.target.ecPointFormats = readU8List(r, 'tls.handshake.extensions_ec_point_formats_length', 'EC point formats Length',
    'tls.handshake.extensions_ec_point_format', 'EC point format', 'ec_point_formats', enumFmt(POINT_FORMATS));
};

/** key_share (51), RFC 8446 section 4.2.8: a list in a ClientHello, one entry in a ServerHello, a group in a HelloRetryRequest. */
export const decodeKeyShare: ExtensionDecoder = (r, ctx) => {
  if (ctx.message === 'hello_retry_request') {
    ctx.target.keyShareGroups = [r.u16('tls.handshake.extensions_key_share_selected_group', 'Selected Group', groupName)];
    return;
  }
  const groups: number[] = [];
  const readEntry = (s: typeof r): void => {
    s.open('tls.handshake.extensions_key_share_entry', 'Key Share Entry');
    const g = s.u16('tls.handshake.extensions_key_share_group', 'Group', groupName, isGrease);
    const ke = s.vector(2, 'tls.handshake.extensions_key_share_key_exchange_length', 'Key Exchange Length', 'key_exchange');
    const kxLen = ke.left;
    ke.bytes('tls.handshake.extensions_key_share_key_exchange', 'Key Exchange', kxLen);
    s.finish(ke, 'key_exchange');
    s.close(`${groupName(g)}, ${kxLen} bytes`);
    groups.push(g);
  };
  if (isClient(ctx)) {
    const list = r.vector(2, 'tls.handshake.extensions_key_share_client_length', 'Client Key Share Length', 'client_shares');
    while (list.left > 0) readEntry(list);
    r.finish(list, 'client_shares');
  } else {
    readEntry(r);
  }
  ctx.target.keyShareGroups = groups;
};

const PSK_MODES = { 0: 'psk_ke', 1: 'psk_dhe_ke' };

/** psk_key_exchange_modes (45), RFC 8446 section 4.2.9. */
export const decodePskModes: ExtensionDecoder = (r, ctx) => {
  ctx.target.pskKeyExchangeModes = readU8List(r, 'tls.extension.psk_ke_modes_length', 'PSK Key Exchange Modes Length',
    'tls.extension.psk_ke_mode', 'PSK Key Exchange Mode', 'psk_key_exchange_modes', enumFmt(PSK_MODES));
};
