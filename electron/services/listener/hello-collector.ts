// Buffers the first bytes of a connection until the client's whole ClientHello has arrived,
// however the client split it over TCP reads and TLS records, so it can be fingerprinted before
// node:tls consumes it.

import type net from 'node:net';
import tls from 'node:tls';
import { ReceivedBytes } from './received-bytes.js';

export type CollectState =
  | { kind: 'more' }
  | { kind: 'hello'; bytes: Uint8Array }
  | { kind: 'plain-http' }
  /** `what`: what was found instead, for the warning ("starts with 53 53 48 2d…"). */
  | { kind: 'not-tls'; what: string }
  | { kind: 'too-large'; size: number };

export class HelloCollector {
  private readonly got = new ReceivedBytes();
  // Where the walk over whole records has got to: the next record's offset, the handshake bytes
  // seen, the first four of them (the message header) and the hello's size once known.
  private off = 0;
  private hs = 0;
  private readonly head: number[] = [];
  private need = -1;

  constructor(private readonly maxHello = 128 * 1024) {}

  /** Everything received so far. */
  get buffered(): Buffer {
    return this.got.bytes;
  }

  push(chunk: Buffer): CollectState {
    this.got.append(chunk);
    const b = this.got.bytes;
    if (b.length === 0) return { kind: 'more' };
    if (b[0] !== 0x16) {
      if (/^[A-Z]{3,8} /.test(b.subarray(0, 9).toString('latin1')) || (b.length < 9 && /^[A-Z]+$/.test(b.toString('latin1')))) {
        return b.length < 9 && !b.includes(0x20) ? { kind: 'more' } : { kind: 'plain-http' };
      }
      return { kind: 'not-tls', what: `starts with ${spacedHex(b.subarray(0, 8))}` };
    }
    // Walk whole records (from where the last read left off); the handshake message length (the
    // first 4 bytes of the handshake stream) says when the hello is complete.
    while (this.off + 5 <= b.length) {
      const off = this.off;
      if (b[off] !== 0x16 || b[off + 1] !== 3) return { kind: 'not-tls', what: `the record at byte ${off} is not a TLS handshake record (it starts with ${spacedHex(b.subarray(off, off + 8))})` };
      const len = b.readUInt16BE(off + 3);
      if (off + 5 + len > b.length) break;
      for (let i = 0; i < len && this.head.length < 4; i++) this.head.push(b[off + 5 + i]!);
      this.hs += len;
      this.off = off + 5 + len;
      if (this.need < 0 && this.head.length === 4) {
        const h = this.head;
        if (h[0] !== 1) return { kind: 'not-tls', what: `a handshake message of type ${h[0]}, not a ClientHello (1)` };
        this.need = 4 + ((h[1]! << 16) | (h[2]! << 8) | h[3]!);
        if (this.need > this.maxHello) return { kind: 'too-large', size: this.need };
      }
      // A view, not a copy: nothing writes into received buffers once they hold the hello.
      if (this.need >= 0 && this.hs >= this.need) return { kind: 'hello', bytes: b.subarray(0, this.off) };
    }
    if (b.length > this.maxHello + 4096) return { kind: 'too-large', size: b.length };
    return { kind: 'more' };
  }
}

const spacedHex = (b: Buffer): string => b.toString('hex').replace(/(..)(?!$)/g, '$1 ');

/**
 * Hands a raw socket whose first bytes were read in JavaScript to node:tls as a server socket,
 * with those bytes. They go to the TLS handle directly once `attach` has put its listeners on the
 * TLS socket (node:tls does the same itself, a tick later, for bytes put back with unshift, after
 * a walk through the socket's read buffer); with unshift when the handle does not offer that.
 */
export function tlsServerSocket(socket: net.Socket, buffered: Buffer, options: tls.TLSSocketOptions, attach: (t: tls.TLSSocket) => void): tls.TLSSocket {
  socket.pause();
  const t = new tls.TLSSocket(socket, { ...options, isServer: true });
  attach(t);
  const handle = (t as unknown as { _handle?: { receive?: (b: Buffer) => void } })._handle;
  if (typeof handle?.receive === 'function') handle.receive(buffered);
  else socket.unshift(buffered);
  return t;
}
