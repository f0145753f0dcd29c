export { looksLikeQuicLongHeader, parseLongHeader, decryptLongPacket, readVarint, type LongHeader, type LongPacketType } from './packet.js';
export { initialFromClient, QuicInitialTracker, type QuicHello } from './initial-tracker.js';
export { deriveInitialKeys, hkdfExpandLabel, type InitialKeys, type PacketKeys } from './initial-keys.js';
export { quicVersionInfo, QUIC_V1, QUIC_V2, type QuicVersionInfo } from './versions.js';
export { readInitialFrames, type CryptoFrame, type InitialFrames } from './frames.js';
export { CryptoStream, type CryptoPiece, type CryptoMessage } from './crypto-stream.js';
export { QuicConversation, type QuicConversationResult } from './quic-conversation.js';
export { dissectQuicDatagram, type QuicDissection } from './dissect.js';
