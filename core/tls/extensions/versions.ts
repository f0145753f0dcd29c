import { versionDisplay } from '../iana/registry.js';
import { isGrease } from '../grease.js';
import type { ExtensionDecoder } from './context.js';

/** supported_versions (43), RFC 8446 section 4.2.1: a list in a ClientHello, the selected version otherwise. */
export const decodeSupportedVersions: ExtensionDecoder = (r, ctx) => {
  if (ctx.message !== 'client_hello') {
    ctx.target.supportedVersions = [r.u16('tls.handshake.extensions.supported_version', 'Supported Version', versionDisplay, isGrease)];
    return;
  }
  const list = r.vector(1, 'tls.handshake.extensions.supported_versions_len', 'Supported Versions length', 'supported_versions');
  const out: number[] = [];
  if ((list.left & 1) !== 0) list.problem('error', 'odd_length', `supported_versions length ${list.left} is odd; each entry is 2 bytes`);
  while (list.left >= 2) out.push(list.u16('tls.handshake.extensions.supported_version', 'Supported Version', versionDisplay, isGrease));
  r.finish(list, 'supported_versions');
  ctx.target.supportedVersions = out;
};
