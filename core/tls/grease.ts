/** RFC 8701 GREASE: 0x0a0a, 0x1a1a, ... 0xfafa (both bytes equal, low nibbles 0xa). */
export const isGrease = (v: number): boolean => (v & 0x0f0f) === 0x0a0a && (v >> 8) === (v & 0xff);

/** GREASE for one-byte code points (psk_key_exchange_modes, compression, point formats): 0x0b, 0x2a, ... per RFC 8701 section 2. */
export const isGrease8 = (v: number): boolean => v === 0x0b || v === 0x2a || v === 0x49 || v === 0x68 || v === 0x87 || v === 0xa6 || v === 0xc5 || v === 0xe4;
