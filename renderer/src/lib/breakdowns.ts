// The breakdowns a dissection view can show, computed here in the renderer from the view's own
// bytes with the core's pure functions, so every reference lands on the same source ids and
// offsets as the field tree and hex view.
import type { DissectionView } from '../../../core/api.js';
import { breakdownJa3, breakdownJa4, type FingerprintBreakdown } from '../../../core/explain/breakdown.js';
import { breakdownJa4h, breakdownJa4s, breakdownJa4x } from '../../../core/fingerprint/ja4plus/breakdown.js';
import { parseHttp1Request } from '../../../core/http/http1.js';
import { parseTls } from '../../../core/tls/parse-tls.js';
import { hexToBytes } from './hex.js';

export interface MethodBreakdowns {
  method: string;
  title: string;
  /** Forms in the order of the toggles, the hashed one first. */
  forms: { form: string; breakdown: FingerprintBreakdown }[];
}

export function viewBreakdowns(view: DissectionView): MethodBreakdowns[] {
  const main = view.sources[0];
  if (!main) return [];
  const bytes = hexToBytes(main.hex);
  try {
    if (view.kind === 'client_hello' || view.kind === 'server_hello') {
      const p = parseTls(bytes, { tree: false, source: main.id, label: main.label });
      const out: MethodBreakdowns[] = [];
      const transport = view.transport;
      if (p.clientHello) {
        const h = p.clientHello;
        out.push({ method: 'ja4', title: 'JA4', forms: (['ja4', 'ja4_r', 'ja4_o', 'ja4_ro'] as const).map((form) => ({ form, breakdown: breakdownJa4(h, form, { transport }) })) });
        out.push({ method: 'ja3', title: 'JA3', forms: (['ja3', 'ja3_full', 'ja3n', 'ja3n_full'] as const).map((form) => ({ form, breakdown: breakdownJa3(h, form) })) });
      } else if (p.serverHello) {
        const s = p.serverHello;
        out.push({ method: 'ja4s', title: 'JA4S', forms: (['ja4s', 'ja4s_r'] as const).map((form) => ({ form, breakdown: breakdownJa4s(s, form, { transport }) })) });
        p.messages.forEach((m) => {
          if (m.kind !== 'certificate') return;
          m.certificates.forEach((c, i) => out.push({ method: 'ja4x', title: `JA4X of certificate ${i + 1}`, forms: (['ja4x', 'ja4x_r'] as const).map((form) => ({ form, breakdown: breakdownJa4x(c.der, form, { source: m.source, offset: c.start }) })) }));
        });
      }
      return out;
    }
    if (view.kind === 'certificate') return [{ method: 'ja4x', title: 'JA4X', forms: (['ja4x', 'ja4x_r'] as const).map((form) => ({ form, breakdown: breakdownJa4x(bytes, form, { source: main.id }) })) }];
    if (view.kind === 'http_request') {
      const req = parseHttp1Request(bytes, { source: main.id }).request;
      if (!req) return [];
      return [{ method: 'ja4h', title: 'JA4H', forms: (['ja4h', 'ja4h_r', 'ja4h_o', 'ja4h_ro'] as const).map((form) => ({ form, breakdown: breakdownJa4h(req, form, { source: main.id }) })) }];
    }
  } catch {
    // A view whose bytes do not parse has no breakdown; its problems are in the tree.
  }
  return [];
}
