// Entry bundled by bench-hello.mjs: the core functions the benchmark times.
export { parseTls } from '../../core/tls/parse-tls.js';
export { computeJa3 } from '../../core/fingerprint/ja3.js';
export { computeJa4 } from '../../core/fingerprint/ja4.js';
export { fingerprintClientHello } from '../../core/fingerprint/tls-fingerprints.js';
export { installNodeHashes } from '../../electron/node/native-hashes.js';
export { useHashProvider, nobleHashes, useDigestMemo } from '../../core/fingerprint/hash.js';
