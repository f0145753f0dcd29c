import type { ExtensionDecoder } from './context.js';

/** pre_shared_key (41), RFC 8446 section 4.2.11. */
export const decodePreSharedKey: ExtensionDecoder = (r, ctx) => {
  if (ctx.message !== 'client_hello') {
    r.u16('tls.handshake.extensions.psk.selected_identity', 'Selected Identity');
    return;
  }
  const ids = r.vector(2, 'tls.handshake.extensions.psk.identities.length', 'Identities Length', 'PSK identities');
  while (ids.left > 0) {
    ids.open('tls.handshake.extensions.psk.identity', 'PSK Identity');
    const id = ids.vector(2, 'tls.handshake.extensions.psk.identity.identity_length', 'Identity Length', 'PSK identity');
    id.bytes('tls.handshake.extensions.psk.identity.identity', 'Identity', id.left);
    ids.finish(id, 'PSK identity');
    ids.u32('tls.handshake.extensions.psk.identity.obfuscated_ticket_age', 'Obfuscated Ticket Age');
    ids.close();
  }
  r.finish(ids, 'PSK identities');
  const binders = r.vector(2, 'tls.handshake.extensions.psk.binders_len', 'PSK Binders length', 'PSK binders');
  while (binders.left > 0) {
    const b = binders.vector(1, 'tls.handshake.extensions.psk.binder.binder_length', 'Binder Length', 'PSK binder');
    b.bytes('tls.handshake.extensions.psk.binder.binder', 'Binder', b.left);
    binders.finish(b, 'PSK binder');
  }
  r.finish(binders, 'PSK binders');
};

/** early_data (42): empty in a ClientHello and EncryptedExtensions, max_early_data_size in a NewSessionTicket. */
export const decodeEarlyData: ExtensionDecoder = (r) => {
  if (r.left === 4) r.u32('tls.handshake.extensions.max_early_data_size', 'Maximum Early Data Size');
};

/** cookie (44), RFC 8446 section 4.2.2. */
export const decodeCookie: ExtensionDecoder = (r) => {
  const c = r.vector(2, 'tls.handshake.extensions.cookie_len', 'Cookie length', 'cookie');
  c.bytes('tls.handshake.extensions.cookie', 'Cookie', c.left);
  r.finish(c, 'cookie');
};

/** session_ticket (35), RFC 5077: the whole data is the opaque ticket (empty asks for a new one). */
export const decodeSessionTicket: ExtensionDecoder = (r) => {
  if (r.left > 0) r.bytes('tls.handshake.extensions.session_ticket', 'Session Ticket', r.left);
};
