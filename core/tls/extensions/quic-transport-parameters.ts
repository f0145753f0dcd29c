import { hexLabel } from '../../bytes/hex.js';
import type { ExtensionDecoder } from './context.js';

/** RFC 9000 section 18.2, RFC 9221, RFC 9287, RFC 9368, and Google's widely seen ids. */
const PARAMS: Record<number, string> = {
  0x00: 'original_destination_connection_id', 0x01: 'max_idle_timeout', 0x02: 'stateless_reset_token',
  0x03: 'max_udp_payload_size', 0x04: 'initial_max_data', 0x05: 'initial_max_stream_data_bidi_local',
  0x06: 'initial_max_stream_data_bidi_remote', 0x07: 'initial_max_stream_data_uni', 0x08: 'initial_max_streams_bidi',
  0x09: 'initial_max_streams_uni', 0x0a: 'ack_delay_exponent', 0x0b: 'max_ack_delay', 0x0c: 'disable_active_migration',
  0x0d: 'preferred_address', 0x0e: 'active_connection_id_limit', 0x0f: 'initial_source_connection_id',
  0x10: 'retry_source_connection_id', 0x11: 'version_information', 0x20: 'max_datagram_frame_size',
  0x2ab2: 'grease_quic_bit', 0x3127: 'initial_rtt (Google)', 0x3128: 'google_connection_options',
  0x4752: 'google_version', 0xff73db: 'version_information (draft)',
};
/** Parameters whose value is a varint (the others are opaque or empty). */
const VARINT = new Set([0x01, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b, 0x0e, 0x20, 0x3127]);

/** Reserved ids are 31 * N + 27 (RFC 9000 section 18.1), QUIC's GREASE. */
export const isQuicGreaseParam = (id: number): boolean => id >= 27 && (id - 27) % 31 === 0;

export const quicTransportParameterName = (id: number): string =>
  PARAMS[id] ?? (isQuicGreaseParam(id) ? 'GREASE (reserved)' : 'unknown');

/** quic_transport_parameters (57), RFC 9001 section 8.2 / RFC 9000 section 18. */
export const decodeQuicTransportParameters: ExtensionDecoder = (r) => {
  while (r.left > 0) {
    r.open('quic.parameter', 'Parameter');
    const id = r.varint('quic.parameter.type', 'Type', (v) => `${quicTransportParameterName(v)} (${hexLabel(v, 2)})`);
    const len = r.varint('quic.parameter.length', 'Length');
    const body = r.sub(len);
    if (len > body.left) body.problem('error', 'length_exceeds', `transport parameter length ${len} exceeds the ${body.left} bytes left at offset ${body.pos}`);
    let shown = '';
    if (VARINT.has(id) && body.left > 0) shown = String(body.varint('quic.parameter.value', 'Value'));
    else if (body.left > 0) body.bytes('quic.parameter.value', 'Value', body.left);
    r.finish(body, 'transport parameter');
    r.close(`${quicTransportParameterName(id)}${shown ? ': ' + shown : ''}`);
  }
};
