// JA4H against the specification's own examples (seed 002), hashes derived here with node:crypto
// from the lists the specification prints, plus the edge cases decided in docs/ja4h.md.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { computeJa4h, ja4hParts } from '../../../core/fingerprint/ja4plus/ja4h.js';
import { parseHttp1Request, parseHttp1Requests } from '../../../core/http/http1.js';
import type { HttpRequest } from '../../../core/http/model.js';
import { FIXTURES } from '../../helpers/paths.js';

const h12 = (s: string) => createHash('sha256').update(s).digest('hex').slice(0, 12);
/** The specification's examples are plain text with LF line ends; send them as a client would (CRLF). */
const request = (text: string) => new TextEncoder().encode(text.replace(/\r?\n/g, '\r\n') + (text.endsWith('\n') ? '\r\n' : '\r\n\r\n'));
const parse = (text: string): HttpRequest => parseHttp1Request(request(text)).request!;
const req = (method: string, version: string, headers: [string, string][]): HttpRequest => ({ method, target: '/', version, headers: headers.map(([name, value]) => ({ name, value })), complete: true, problems: [] });

describe('JA4H: the specification examples', () => {
  it('POST example: header list and its hash as printed, Cookie and Referer left out', () => {
    const r = parse(readFileSync(join(FIXTURES, 'http-spec-post.txt'), 'utf8'));
    const p = ja4hParts(r);
    expect(p.headerNames.join(',')).toBe('Host,Content-Length,Accept,X-Requested-With,User-Agent,Content-Type,Origin,Accept-Encoding,Accept-Language,Connection');
    const fp = computeJa4h(r);
    expect(fp.ja4h.split('_')[1]).toBe('47d05ed57293'); // printed in the specification
    expect(fp.ja4h.split('_')[0]).toBe('po11cr10enus');
    expect(fp.ja4h.split('_')[2]).toBe(h12('example,ud_reload'));
    expect(fp.ja4h.split('_')[3]).toBe(h12('example=d7df2dd0937ec27,ud_reload=UD_reload'));
  });

  it('cookie example: sorted names hash to the printed 21864220ae3d', () => {
    const cookie = '1P_JAR=2023-06-07-17; AEC=AUEFqZdaLLwaXJHyxA8-Cu0i0N4klp_vV3XOuyEYeiWlp4QaeIvSv6t4XKM; OGPC=19027681-1:; NID=511=rRELE2o91XNLo6eayqEN7Lf2ue7EcSHVkew3oxf4jzyF8vix2BzxTRvda8MYBFEkLyC1xjTcqSIjbC-wV2r120jr2HFau_dHvMxUm9fk6W2J2mddtlMpGMA8qGuAZWt1DSpCFFwHZSKBryGnvRJUeXkc-jw4sXdWhgCKxeu3f01Na4YsBYGf; DV=A84BtBIPqhgmIDlq9acmfs7ik-duiZjdmUPDG3eW3QIAAAA';
    const r = req('GET', 'HTTP/1.1', [['Host', 'x'], ['Cookie', cookie]]);
    const fp = computeJa4h(r);
    expect(fp.ja4h.split('_')[2]).toBe('21864220ae3d');
    expect(ja4hParts(r).sortedCookieNames.join(',')).toBe('1P_JAR,AEC,DV,NID,OGPC');
    expect(fp.ja4h_r.startsWith('ge11cn010000_Host_1P_JAR,AEC,DV,NID,OGPC_1P_JAR=2023-06-07-17,AEC=')).toBe(true);
    expect(fp.ja4h_ro.startsWith('ge11cn010000_Host_1P_JAR,AEC,OGPC,NID,DV_1P_JAR=2023-06-07-17,AEC=')).toBe(true);
  });

  it('CNN example: 11 headers counted (the printed "13" contradicts the text), header hash as printed', () => {
    const r = parse(readFileSync(join(FIXTURES, 'http-spec-cnn.txt'), 'utf8'));
    const fp = computeJa4h(r);
    const [a, b, c, d] = fp.ja4h.split('_');
    expect(a).toBe('ge20cr11enus');
    expect(b).toBe('974ebe531c03');
    expect(c).toBe(h12('FastAB,_dd_s,countryCode,geoData,sato,stateCode,umto,usprivacy'));
    const names = 'Host,Sec-Ch-Ua,Sec-Ch-Ua-Mobile,User-Agent,Sec-Ch-Ua-Platform,Accept,Sec-Fetch-Site,Sec-Fetch-Mode,Sec-Fetch-Dest,Accept-Encoding,Accept-Language';
    expect(fp.ja4h_r.startsWith(`ge20cr11enus_${names}_FastAB,_dd_s,countryCode,geoData,sato,stateCode,umto,usprivacy_FastAB=0=6859,`)).toBe(true);
    expect(d).toBe(h12(fp.ja4h_r.slice(`ge20cr11enus_${names}_FastAB,_dd_s,countryCode,geoData,sato,stateCode,umto,usprivacy_`.length)));
    expect(fp.ja4h_ro.startsWith(`ge20cr11enus_${names}_FastAB,sato,countryCode,stateCode,geoData,usprivacy,umto,_dd_s_FastAB=`)).toBe(true);
  });
});

describe('JA4H edge cases (docs/ja4h.md)', () => {
  it('no cookies: empty hash parts, raw forms keep the empty sections', () => {
    const fp = computeJa4h(req('GET', 'HTTP/1.1', [['Host', 'a'], ['Accept', '*/*']]));
    expect(fp.ja4h).toBe(`ge11nn020000_${h12('Host,Accept')}_000000000000_000000000000`);
    expect(fp.ja4h_r).toBe('ge11nn020000_Host,Accept__');
    expect(fp.ja4h_ro).toBe('ge11nn020000_Host,Accept__');
  });
  it('methods beyond the nine: first two letters lowercased', () => {
    expect(computeJa4h(req('PROPFIND', 'HTTP/1.1', [])).ja4h.slice(0, 2)).toBe('pr');
    expect(computeJa4h(req('M-SEARCH', 'HTTP/1.1', [])).ja4h.slice(0, 2)).toBe('m-');
  });
  it('Referer matched by exact name only; header count capped at 99; empty values kept', () => {
    expect(computeJa4h(req('GET', 'HTTP/1.1', [['X-Referer-Id', '1']])).ja4h.slice(0, 8)).toBe('ge11nn01');
    expect(computeJa4h(req('GET', 'HTTP/1.1', [['referer', 'x']])).ja4h.slice(0, 8)).toBe('ge11nr00');
    const many = Array.from({ length: 120 }, (_, i) => [`X-H${i}`, ''] as [string, string]);
    expect(computeJa4h(req('GET', 'HTTP/1.0', many)).ja4h.slice(0, 8)).toBe('ge10nn99');
  });
  it('cookies without =, empty values, duplicates and several Cookie fields form one list', () => {
    const fp = computeJa4h(req('GET', 'HTTP/2', [[':method', 'GET'], [':path', '/'], ['cookie', 'b=2; flag'], ['cookie', 'a=; b=1']]));
    expect(fp.ja4h.slice(0, 8)).toBe('ge20cn00');
    expect(fp.ja4h_r).toBe('ge20cn000000__a,b,b,flag_a=,b=2,b=1,flag');
    expect(fp.ja4h_ro).toBe('ge20cn000000__b,flag,a,b_b=2,flag,a=,b=1');
  });
  it('Accept-Language: before the first , and ;, hyphen removed, padded', () => {
    const lang = (v: string) => computeJa4h(req('GET', 'HTTP/1.1', [['Accept-Language', v]])).ja4h.slice(8, 12);
    expect(lang('da, en-GB;q=0.8, en;q=0.7')).toBe('da00');
    expect(lang('en-US,en;q=0.9')).toBe('enus');
    expect(lang('en;q=0.9')).toBe('en00');
    expect(lang('zh-Hant-TW')).toBe('zhha');
  });
  it('a request cut off before the end of its headers is still fingerprinted, and says so', () => {
    const p = parseHttp1Request(new TextEncoder().encode('GET / HTTP/1.1\r\nHost: a\r\nAccept: x\r\nUser-Ag'));
    expect(p.complete).toBe(false);
    expect(p.request!.headers.map((h) => h.name)).toEqual(['Host', 'Accept']);
    expect(p.problems.some((x) => x.code === 'truncated')).toBe(true);
    expect(computeJa4h(p.request!).ja4h.slice(0, 8)).toBe('ge11nn02');
  });
  it('keep-alive streams give one request per message, bodies skipped by Content-Length and chunked', () => {
    const s = 'POST /a HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nGET xGET /b HTTP/1.1\r\nHost: b\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\nHEAD /c HTTP/1.1\r\nHost: c\r\n\r\n';
    const r = parseHttp1Requests(new TextEncoder().encode(s));
    expect(r.requests.map((x) => `${x.method} ${x.target}`)).toEqual(['POST /a', 'GET /b', 'HEAD /c']);
  });
  it('arbitrary bytes never throw or hang', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 600 }), (b) => {
      const p = parseHttp1Request(b, { tree: true });
      if (p.request) computeJa4h(p.request);
      parseHttp1Requests(b);
    }), { numRuns: 500 });
    fc.assert(fc.property(fc.array(fc.constantFrom('GET / HTTP/1.1', 'Host: a', 'Cookie: a=1; b', '', ' folded', 'Content-Length: 3', 'x', ':'), { maxLength: 12 }), (ls) => {
      const p = parseHttp1Requests(new TextEncoder().encode(ls.join('\r\n')));
      for (const r of p.requests) computeJa4h(r);
    }), { numRuns: 500 });
  });
});
