// The Akamai HTTP/2 fingerprint (Shuster & Segal, Black Hat EU 2017) in the form tls.peet.ws
// shows it: `SETTINGS|WINDOW_UPDATE|PRIORITY|pseudo-header order`, e.g.
// `1:65536;2:0;4:6291456;6:262144|15663105|0|m,a,s,p`. SETTINGS as id:value joined by `;` in the
// order sent; the connection WINDOW_UPDATE increment (0 if none); PRIORITY frames sent before the
// first request as stream:exclusive:dependency:weight joined by `,` (0 if none; the weight as
// on the wire + 1, as the original paper and tls.peet.ws print it); pseudo-headers by initial.
import type { Http2Preface } from '../http/model.js';
import { md5Hex } from './hash.js';

export interface AkamaiFingerprint {
  akamai: string;
  akamai_hash: string;
  /** Frames the client sent before its first request, by type name. */
  frames: string[];
}

export function computeAkamai(p: Http2Preface): AkamaiFingerprint {
  const settings = p.settings.map(([id, v]) => `${id}:${v}`).join(';');
  const prio = p.priorities.length ? p.priorities.map((x) => `${x.streamId}:${x.exclusive ? 1 : 0}:${x.dependsOn}:${x.weight + 1}`).join(',') : '0';
  const pseudo = p.pseudoHeaderOrder.map((h) => h.slice(1, 2)).join(',');
  const akamai = `${settings}|${p.windowUpdate}|${prio}|${pseudo}`;
  return { akamai, akamai_hash: md5Hex(akamai), frames: p.frames };
}
