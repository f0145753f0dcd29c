import type { FieldReader } from '../../bytes/field-reader.js';
import { decodeLatin1 } from '../../bytes/field-reader.js';
import type { ExtensionDecoder } from './context.js';

/** A ProtocolNameList (u16 length, then u8-prefixed names), as in ALPN and ALPS. */
function readProtocolNames(r: FieldReader, lenKey: string, nameLenKey: string, nameKey: string, what: string, firstOffset?: (o: number) => void): Uint8Array[] {
  const list = r.vector(2, lenKey, `${what} Length`, what);
  const out: Uint8Array[] = [];
  while (list.left > 0) {
    const name = list.vector(1, nameLenKey, `${what} string length`, 'protocol name');
    if (out.length === 0) firstOffset?.(name.pos);
    if (name.left === 0) name.problem('warning', 'empty_protocol_name', `empty protocol name in ${what} at offset ${name.pos} (RFC 7301 forbids it)`);
    const bytes = name.bytes(nameKey, 'Protocol', name.left, (b) => JSON.stringify(decodeLatin1(b)));
    list.finish(name, 'protocol name');
    out.push(bytes);
  }
  r.finish(list, what);
  return out;
}

/** application_layer_protocol_negotiation (16), RFC 7301. */
export const decodeAlpn: ExtensionDecoder = (r, ctx) => {
  ctx.target.alpn = readProtocolNames(r, 'tls.handshake.extensions_alpn_len', 'tls.handshake.extensions_alpn_str_len',
    'tls.handshake.extensions_alpn_str', 'ALPN Extension', (o) => { ctx.target.alpnFirstOffset = o; });
};

/** application_settings (ALPS, 0x4469 and its newer code point 0x44cd; draft-vvv-tls-alps). */
export const decodeApplicationSettings: ExtensionDecoder = (r, ctx) => {
  if (ctx.message !== 'client_hello') {
    r.bytes('tls.handshake.extensions_alps.settings', 'Application Settings', r.left);
    return;
  }
  const names = readProtocolNames(r, 'tls.handshake.extensions_alps_len', 'tls.handshake.extensions_alps_str_len',
    'tls.handshake.extensions_alps.supported_protocol', 'ALPS Supported Protocols');
  ctx.target.applicationSettings = names.map((n) => decodeLatin1(n));
};
