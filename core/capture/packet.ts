// What the capture engine hands to per-connection analysers (TCP reassembly, QUIC, JA4T/TS,
// JA4L, JA4SSH): decoded packet metadata with views into the capture's bytes. Types only.

/** TCP header flag bits (RFC 9293, RFC 3168). */
export const TCP_FIN = 0x001, TCP_SYN = 0x002, TCP_RST = 0x004, TCP_PSH = 0x008, TCP_ACK = 0x010, TCP_URG = 0x020, TCP_ECE = 0x040, TCP_CWR = 0x080;

export interface PacketMeta {
  /** 1-based frame number in the capture file (as Wireshark numbers them). */
  frame: number;
  /** Capture timestamp in microseconds since the Unix epoch (nanosecond captures are rounded down). */
  timestampUs: number;
  ipVersion: 4 | 6;
  /** IPv4 TTL or IPv6 hop limit of the innermost IP header. */
  ttl: number;
  /** Textual addresses of the innermost IP header (IPv6 in RFC 5952 form). */
  src: string;
  dst: string;
  /** Byte offset of the frame's packet data in the capture file, for warnings and the hex view. */
  fileOffset: number;
}

export interface TcpSegment extends PacketMeta {
  srcPort: number;
  dstPort: number;
  seq: number;
  ack: number;
  /** Flag bits: the low 9 bits of the TCP header's flags field. */
  flags: number;
  /** Raw (unscaled) window field. */
  window: number;
  /** The TCP options bytes as sent (may be empty). */
  options: Uint8Array;
  /** TCP payload (a view into the packet; copy it to keep it). */
  payload: Uint8Array;
  /** The payload's length on the wire, from the IP header: more than `payload` holds when the capture cut the packet (snaplen). */
  wireLength?: number;
  /** The capture cut the packet within its TCP options (they are incomplete, the payload is not there). */
  optionsCut?: boolean;
}

export interface UdpDatagram extends PacketMeta {
  srcPort: number;
  dstPort: number;
  payload: Uint8Array;
}
