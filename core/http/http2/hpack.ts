// HPACK (RFC 7541) decoder with its dynamic table, one per connection and direction. Written
// here rather than using hpack.js because core/ cannot use Node's Buffer (hpack.js needs it);
// test/core/http/hpack.test.ts checks it against hpack.js's encoder and the RFC's examples.
import { decodeLatin1 } from '../../bytes/field-reader.js';
import { HUFFMAN, STATIC_TABLE } from './hpack-tables.js';

export class HpackError extends Error {
  override readonly name = 'HpackError';
  constructor(message: string, readonly offset: number) {
    super(`${message} at offset ${offset} of the header block`);
  }
}

interface Node { sym?: number; next: (Node | undefined)[] }
let huffRoot: Node | undefined;
function huffmanTree(): Node {
  if (huffRoot) return huffRoot;
  const root: Node = { next: [] };
  HUFFMAN.forEach(([bits, code], sym) => {
    let n = root;
    for (let i = bits - 1; i >= 0; i--) {
      const b = (code >>> i) & 1;
      n = n.next[b] ??= { next: [] };
    }
    n.sym = sym;
  });
  return (huffRoot = root);
}

export function huffmanDecode(b: Uint8Array, at = 0): string {
  const root = huffmanTree();
  let n = root, out = '', depth = 0, ones = true;
  for (let i = 0; i < b.length; i++) {
    for (let k = 7; k >= 0; k--) {
      const bit = (b[i]! >> k) & 1;
      const nx = n.next[bit];
      if (!nx) throw new HpackError('invalid Huffman code', at + i);
      depth++;
      ones &&= bit === 1;
      if (nx.sym !== undefined) {
        if (nx.sym === 256) throw new HpackError('EOS symbol inside a Huffman string', at + i);
        out += String.fromCharCode(nx.sym);
        n = root; depth = 0; ones = true;
      } else n = nx;
    }
  }
  if (depth > 7 || !ones) throw new HpackError('invalid Huffman padding', at + b.length);
  return out;
}

export interface DecodedField { name: string; value: string; start: number; length: number; representation: 'indexed' | 'literal-indexed' | 'literal' | 'never-indexed' }

export class HpackDecoder {
  private dynamic: [string, string][] = [];
  private size = 0;
  constructor(private maxSize = 4096) {}

  private entry(index: number, at: number): [string, string] {
    if (index <= 0) throw new HpackError('index 0', at);
    if (index < STATIC_TABLE.length) return STATIC_TABLE[index] as [string, string];
    const d = this.dynamic[index - STATIC_TABLE.length];
    if (!d) throw new HpackError(`index ${index} beyond the tables`, at);
    return d;
  }

  private add(name: string, value: string): void {
    const s = name.length + value.length + 32;
    this.dynamic.unshift([name, value]);
    this.size += s;
    this.evict();
  }

  private evict(): void {
    while (this.size > this.maxSize && this.dynamic.length) {
      const [n, v] = this.dynamic.pop()!;
      this.size -= n.length + v.length + 32;
    }
  }

  /** Decodes one complete header block. Throws HpackError on malformed input (a connection error in HTTP/2). */
  decode(b: Uint8Array): DecodedField[] {
    const out: DecodedField[] = [];
    let p = 0;
    const int = (prefix: number): number => {
      if (p >= b.length) throw new HpackError('integer cut off', p);
      const max = (1 << prefix) - 1;
      let v = b[p++]! & max;
      if (v < max) return v;
      let m = 0;
      for (;;) {
        if (p >= b.length) throw new HpackError('integer cut off', p);
        const x = b[p++]!;
        v += (x & 0x7f) * 2 ** m;
        m += 7;
        if (!(x & 0x80)) break;
        if (m > 28) throw new HpackError('integer too large', p);
      }
      return v;
    };
    const str = (): string => {
      if (p >= b.length) throw new HpackError('string cut off', p);
      const huff = (b[p]! & 0x80) !== 0;
      const len = int(7);
      if (p + len > b.length) throw new HpackError(`string of ${len} bytes exceeds the block`, p);
      const raw = b.subarray(p, p + len);
      const at = p;
      p += len;
      if (huff) return huffmanDecode(raw, at);
      return decodeLatin1(raw);
    };
    while (p < b.length) {
      const start = p;
      const x = b[p]!;
      if (x & 0x80) {
        const [name, value] = this.entry(int(7), start);
        out.push({ name, value, start, length: p - start, representation: 'indexed' });
      } else if ((x & 0xc0) === 0x40) {
        const idx = int(6);
        const name = idx ? this.entry(idx, start)[0] : str();
        const value = str();
        this.add(name, value);
        out.push({ name, value, start, length: p - start, representation: 'literal-indexed' });
      } else if ((x & 0xe0) === 0x20) {
        const size = int(5);
        if (size > 65536) throw new HpackError(`dynamic table size ${size} too large`, start);
        this.maxSize = size;
        this.evict();
      } else {
        const never = (x & 0xf0) === 0x10;
        const idx = int(4);
        const name = idx ? this.entry(idx, start)[0] : str();
        const value = str();
        out.push({ name, value, start, length: p - start, representation: never ? 'never-indexed' : 'literal' });
      }
    }
    return out;
  }
}
