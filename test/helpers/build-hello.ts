// Builds TLS handshake bytes for tests, independently of the parser under test.

export const u8 = (v: number): number[] => [v & 0xff];
export const u16 = (v: number): number[] => [(v >> 8) & 0xff, v & 0xff];
export const u24 = (v: number): number[] => [(v >> 16) & 0xff, (v >> 8) & 0xff, v & 0xff];
export const vec8 = (b: number[]): number[] => [...u8(b.length), ...b];
export const vec16 = (b: number[]): number[] => [...u16(b.length), ...b];
export const vec24 = (b: number[]): number[] => [...u24(b.length), ...b];
export const ascii = (s: string): number[] => Array.from(s, (c) => c.charCodeAt(0));

export interface Ext { type: number; data: number[] }

export const ext = {
  sni: (host: string): Ext => ({ type: 0, data: vec16([0, ...vec16(ascii(host))]) }),
  sniEmptyList: (): Ext => ({ type: 0, data: vec16([]) }),
  alpn: (...protos: (string | number[])[]): Ext => ({ type: 16, data: vec16(protos.flatMap((p) => vec8(typeof p === 'string' ? ascii(p) : p))) }),
  sigalgs: (...algs: number[]): Ext => ({ type: 13, data: vec16(algs.flatMap(u16)) }),
  sigalgsCert: (...algs: number[]): Ext => ({ type: 50, data: vec16(algs.flatMap(u16)) }),
  delegatedCredentials: (...algs: number[]): Ext => ({ type: 34, data: vec16(algs.flatMap(u16)) }),
  versions: (...vs: number[]): Ext => ({ type: 43, data: vec8(vs.flatMap(u16)) }),
  groups: (...gs: number[]): Ext => ({ type: 10, data: vec16(gs.flatMap(u16)) }),
  pointFormats: (...fs: number[]): Ext => ({ type: 11, data: vec8(fs) }),
  keyShare: (...shares: [number, number][]): Ext => ({ type: 51, data: vec16(shares.flatMap(([g, n]) => [...u16(g), ...vec16(new Array(n).fill(7))])) }),
  empty: (type: number): Ext => ({ type, data: [] }),
  raw: (type: number, data: number[]): Ext => ({ type, data }),
};

export interface HelloSpec {
  version?: number;
  ciphers: number[];
  extensions?: Ext[] | null;
  sessionId?: number[];
  compression?: number[];
  /** DTLS: adds the cookie field. */
  dtlsCookie?: number[];
}

export function clientHelloBody(s: HelloSpec): number[] {
  const body = [
    ...u16(s.version ?? 0x0303),
    ...new Array(32).fill(0x11),
    ...vec8(s.sessionId ?? []),
    ...(s.dtlsCookie ? vec8(s.dtlsCookie) : []),
    ...vec16(s.ciphers.flatMap(u16)),
    ...vec8(s.compression ?? [0]),
  ];
  if (s.extensions !== null && s.extensions !== undefined) body.push(...vec16(s.extensions.flatMap((e) => [...u16(e.type), ...vec16(e.data)])));
  return body;
}

/** Bare handshake message: type 1, 3-byte length, body. */
export const clientHelloMessage = (s: HelloSpec): number[] => [1, ...vec24(clientHelloBody(s))];

/** One TLS record around the message. */
export const tlsRecord = (payload: number[], type = 22, version = 0x0301): number[] => [type, ...u16(version), ...vec16(payload)];

/** Splits a handshake payload over records of at most `size` bytes. */
export const tlsRecords = (payload: number[], size: number, version = 0x0301): number[] => {
  const out: number[] = [];
  for (let i = 0; i < payload.length; i += size) out.push(...tlsRecord(payload.slice(i, i + size), 22, version));
  return out;
};

export const bytes = (a: number[]): Uint8Array => Uint8Array.from(a);
