import type { ExtensionDecoder } from './context.js';
import { enumFmt } from './lists.js';

/** server_name (0), RFC 6066 section 3. A ServerHello/EncryptedExtensions carries it empty. */
export const decodeServerName: ExtensionDecoder = (r, ctx) => {
  if (r.left === 0) return;
  const list = r.vector(2, 'tls.handshake.extensions_server_name_list_len', 'Server Name list length', 'server_name list');
  while (list.left > 0) {
    list.open('tls.handshake.extensions_server_name_entry', 'Server Name Indication');
    const type = list.u8('tls.handshake.extensions_server_name_type', 'Server Name Type', enumFmt({ 0: 'host_name' }));
    const name = list.vector(2, 'tls.handshake.extensions_server_name_len', 'Server Name length', 'server name');
    const host = name.text('tls.handshake.extensions_server_name', 'Server Name', name.left);
    list.finish(name, 'server name');
    list.close(host);
    if (type === 0 && ctx.target.serverName === undefined && host.length > 0) ctx.target.serverName = host;
  }
  r.finish(list, 'server_name list');
};
