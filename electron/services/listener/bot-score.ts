// bot_score for POST /v1/tls/fingerprint: a transparent heuristic, never a random number.
// Start at 50 and move by named reasons (docs/listener.md):
//  - the User-Agent names an automation library or tool (curl, python-requests, Go-http-client,
//    HeadlessChrome...): -40; no User-Agent at all: -30;
//  - the User-Agent claims a browser but the TLS hello does not look like one (no GREASE for a
//    Chromium-family claim; no ALPN h2/http/1.1; fewer than 10 cipher suites): -35;
//  - the User-Agent claims a browser and the hello has the traits of that family: +35;
//  - TLS 1.3 not offered: -10;
//  - the knowledge base matches the fingerprint to a client family other than the User-Agent's: -20;
//    to the same family (and no automation tool named): +10.
// Clamped to 1..99 (1 = most likely a bot). verified_bot is always false: verifying a crawler
// needs reverse-DNS checks of its address, which a local listener does not do.
import type { UserAgentVerdict } from '../../../core/knowledge/index.js';
import type { ClientHello } from '../../../core/tls/model.js';
import { isGrease } from '../../../core/tls/grease.js';

const AUTOMATION = /\b(curl|wget|python-requests|python-urllib|python\/|aiohttp|httpx|go-http-client|okhttp|java\/|java-http-client|node-fetch|undici|axios|libwww-perl|ruby|php|headlesschrome|phantomjs|puppeteer|playwright|selenium|scrapy|bot|spider|crawler)\b/i;

export interface BotVerdict { bot_score: number; verified_bot: boolean; reasons: string[] }

/** What the score reads of a hello (the same for every hello of one shape, so it is kept per shape). */
export interface HelloTraits { alpn: readonly string[]; grease: boolean; cipherCount: number; offers13: boolean }

export function helloTraits(hello: ClientHello): HelloTraits {
  return {
    alpn: (hello.alpn ?? []).map((a) => Buffer.from(a).toString('latin1')),
    grease: hello.cipherSuites.some(isGrease),
    cipherCount: hello.cipherSuites.length,
    offers13: (hello.supportedVersions ?? []).includes(0x0304),
  };
}

export function botScore(userAgent: string | null, traits: HelloTraits, kb?: UserAgentVerdict): BotVerdict {
  let score = 50;
  const reasons: string[] = [];
  const ua = userAgent ?? '';
  const { alpn, grease, offers13 } = traits;
  if (!userAgent) { score -= 30; reasons.push('no User-Agent header'); }
  const auto = AUTOMATION.exec(ua);
  if (auto) { score -= 40; reasons.push(`User-Agent names an automation tool or library (${auto[1]})`); }
  const claimsChromium = /Chrome\/|Chromium\/|Edg\//.test(ua) && !/HeadlessChrome/.test(ua);
  const claimsFirefox = /Firefox\//.test(ua);
  const claimsSafari = /Safari\//.test(ua) && !claimsChromium;
  if (claimsChromium || claimsFirefox || claimsSafari) {
    const browserLike = alpn.includes('h2') && traits.cipherCount >= 10 && offers13 && (!claimsChromium || grease);
    if (browserLike) { score += 35; reasons.push('the TLS hello has the traits of the browser the User-Agent claims'); }
    else { score -= 35; reasons.push(`the User-Agent claims a browser but the TLS hello does not look like one${claimsChromium && !grease ? ' (no GREASE values, which Chromium always sends)' : ''}`); }
  }
  if (!offers13) { score -= 10; reasons.push('TLS 1.3 not offered'); }
  // The knowledge base: the client the fingerprint matches versus the one the User-Agent names.
  if (kb?.consistent === false) { score -= 20; reasons.push(...kb.reasons.filter((r) => r.startsWith('the User-Agent claims'))); }
  else if (kb?.consistent === true && !auto) { score += 10; reasons.push(...kb.reasons.filter((r) => r.startsWith('the TLS fingerprint matches'))); }
  return { bot_score: Math.max(1, Math.min(99, score)), verified_bot: false, reasons };
}
