#!/usr/bin/env node
// Regenerates core/tls/iana/registry-data.ts from the IANA registry CSVs in ../shared/data/iana
// plus the supplements below (registrations newer than those CSV copies, and well-known
// unregistered code points browsers send). Run: node build/scripts/gen-iana.mjs [iana-dir]
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const ianaDir = resolve(process.argv[2] ?? join(root, '../shared/data/iana'));
const out = join(root, 'core/tls/iana/registry-data.ts');

/** RFC 4180 CSV (quoted cells may hold commas, quotes and line breaks). */
function parseCsv(text) {
  const rows = [];
  let row = [], cell = '', quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { cell += '"'; i++; }
      else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') { row.push(cell); cell = ''; }
    else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(cell); rows.push(row); row = []; cell = '';
    } else cell += c;
  }
  if (cell || row.length) { row.push(cell); rows.push(row); }
  const [head, ...body] = rows.filter((r) => r.length > 1 || r[0]);
  return body.map((r) => Object.fromEntries(head.map((h, i) => [h, (r[i] ?? '').trim()])));
}

/** "0x13,0x01" | "0x0403" | "4588" | "60-2569" | "0x0000-0x0200" | "0xC0,0xB0-FF" -> [lo, hi] */
function parseValue(v) {
  let m = /^0x([0-9A-F]{2}),0x([0-9A-F]{2})-([0-9A-F]{2})$/i.exec(v);
  if (m) return [parseInt(m[1] + m[2], 16), parseInt(m[1] + m[3], 16)];
  m = /^0x([0-9A-F]{2})-([0-9A-F]{2}),(?:0x)?\*$/i.exec(v);
  if (m) return [parseInt(m[1] + '00', 16), parseInt(m[2] + 'FF', 16)];
  m = /^0x([0-9A-F]{2}),(?:0x)?\*$/i.exec(v);
  if (m) return [parseInt(m[1] + '00', 16), parseInt(m[1] + 'FF', 16)];
  m = /^0x([0-9A-F]{2}),0x([0-9A-F]{2})$/i.exec(v);
  if (m) return [parseInt(m[1] + m[2], 16), parseInt(m[1] + m[2], 16)];
  m = /^(0x[0-9A-F]+|\d+)(?:-(0x[0-9A-F]+|\d+))?$/i.exec(v);
  if (m) return [Number(m[1]), Number(m[2] ?? m[1])];
  throw new Error(`unparsed registry value ${JSON.stringify(v)}`);
}

// Date the supplements below were last checked against the live registry.
const SNAPSHOT = '2026-11-22';

const isGrease = (v) => (v & 0x0f0f) === 0x0a0a && v >> 8 === (v & 0xff);

/** status codes: a = assigned, r = reserved, u = unassigned, p = private use, g = GREASE, x = not IANA (well known) */
function statusOf(name) {
  if (/^unassigned$/i.test(name)) return 'u';
  if (/private use/i.test(name)) return 'p';
  if (/^reserved/i.test(name)) return 'r';
  return 'a';
}

function table(file, nameCol) {
  const entries = []; // [value, name, status]
  const ranges = []; // [lo, hi, status, name]
  for (const row of parseCsv(readFileSync(join(ianaDir, file), 'utf8'))) {
    const [lo, hi] = parseValue(row.Value);
    const name = row[nameCol].replace(/\s+/g, ' ').replace(/ \(renamed from .*\)$/, '');
    let status = statusOf(name);
    if (lo === hi) {
      if (status === 'r' && isGrease(lo) && /8701/.test(row.Reference ?? '')) status = 'g';
      entries.push([lo, status === 'a' ? name : name, status]);
    } else ranges.push([lo, hi, status, name]);
  }
  return { entries, ranges };
}

function upsert(t, value, name, status = 'a') {
  const i = t.entries.findIndex((e) => e[0] === value);
  if (i >= 0) t.entries[i] = [value, name, status];
  else t.entries.push([value, name, status]);
}

const ciphers = table('tls-parameters-4.csv', 'Description');
// GREASE cipher suites are listed by RFC 8701 as "Reserved" rows with the {0x?A,0x?A} pattern.
for (let b = 0x0a; b <= 0xfa; b += 0x10) upsert(ciphers, (b << 8) | b, 'GREASE', 'g');

const groups = table('tls-parameters-8.csv', 'Description');
for (let b = 0x0a; b <= 0xfa; b += 0x10) upsert(groups, (b << 8) | b, 'GREASE', 'g');

const sigschemes = table('tls-signaturescheme.csv', 'Description');
for (let b = 0x0a; b <= 0xfa; b += 0x10) upsert(sigschemes, (b << 8) | b, 'GREASE', 'g');
// TLS 1.2 HashAlgorithm/SignatureAlgorithm pairs (RFC 5246 section 7.4.1.4.1) that TLS 1.3 left
// "reserved for backward compatibility" but clients still send: name them like Wireshark does.
const HASHES = { 1: 'md5', 2: 'sha1', 3: 'sha224', 4: 'sha256', 5: 'sha384', 6: 'sha512' };
const SIGS = { 1: 'rsa', 2: 'dsa', 3: 'ecdsa' };
for (const [h, hn] of Object.entries(HASHES)) for (const [g, gn] of Object.entries(SIGS)) {
  const v = (Number(h) << 8) | Number(g);
  const cur = sigschemes.entries.find((e) => e[0] === v);
  if (!cur || cur[2] !== 'a') upsert(sigschemes, v, `${gn}_${hn} (TLS 1.2 pair)`, 'x');
}
// Code points seen in real hellos that are not in the registry (marked x, not IANA).
upsert(sigschemes, 0xeeee, 'gostr34102012_256 (unregistered, LibreSSL/Apple)', 'x');
upsert(sigschemes, 0xefef, 'gostr34102012_512 (unregistered, LibreSSL/Apple)', 'x');
upsert(sigschemes, 0xeded, 'gostr34102001 (unregistered, LibreSSL/Apple)', 'x');

const extensions = table('tls-extensiontype-values-1.csv', 'Extension Name');
for (let b = 0x0a; b <= 0xfa; b += 0x10) upsert(extensions, (b << 8) | b, 'GREASE', 'g');
// Registered after the January 2022 CSV copy (checked against the current IANA registry and RFCs).
upsert(extensions, 60, 'sequence_number_encryption_algorithms');
upsert(extensions, 61, 'rrc');
upsert(extensions, 0xfd00, 'ech_outer_extensions');
upsert(extensions, 0xfe0d, 'encrypted_client_hello');
extensions.ranges = extensions.ranges.flatMap(([lo, hi, st, n]) =>
  lo === 60 ? [[62, hi, st, n]] : lo === 64251 ? [[64251, 0xfd00 - 1, st, n], [0xfd01, 0xfe0c, st, n], [0xfe0e, hi, st, n]] : [[lo, hi, st, n]],
);
// Unregistered code points that real clients send.
upsert(extensions, 0x3374, 'next_protocol_negotiation', 'x');
upsert(extensions, 0x4469, 'application_settings', 'x');
upsert(extensions, 0x44cd, 'application_settings', 'x');
upsert(extensions, 0x754f, 'channel_id', 'x');
upsert(extensions, 0x7550, 'channel_id_old', 'x');
upsert(extensions, 0xffce, 'encrypted_server_name', 'x');
upsert(extensions, 0xfe02, 'encrypted_client_hello (draft 8)', 'x');
upsert(extensions, 0xfe0a, 'encrypted_client_hello (draft 10)', 'x');

const handshake = table('tls-parameters-7.csv', 'Description');
for (const e of handshake.entries) e[1] = e[1].replace(/_RESERVED$/, '').replace(/ \(renamed.*$/, '')
  .replace(/^RequestConnectionId$/, 'request_connection_id').replace(/^NewConnectionId$/, 'new_connection_id');

// ALPN Protocol IDs (https://www.iana.org/assignments/tls-extensiontype-values, registry 2).
const alpn = [
  'http/0.9', 'http/1.0', 'http/1.1', 'spdy/1', 'spdy/2', 'spdy/3', 'stun.turn', 'stun.nat-discovery', 'h2', 'h2c',
  'webrtc', 'c-webrtc', 'ftp', 'imap', 'pop3', 'managesieve', 'coap', 'xmpp-client', 'xmpp-server', 'acme-tls/1',
  'mqtt', 'dot', 'ntske/1', 'sunrpc', 'h3', 'smb', 'irc', 'nntp', 'nnsp', 'doq', 'sip/2', 'tds/8.0', 'dicom',
  'postgresql', 'radius/1.0', 'radius/1.1',
];

const sortE = (t) => { t.entries.sort((a, b) => a[0] - b[0]); t.ranges.sort((a, b) => a[0] - b[0]); return t; };
const emit = (name, t) =>
  `export const ${name}: RegistryTable = {\n  entries: ${JSON.stringify(sortE(t).entries)},\n  ranges: ${JSON.stringify(t.ranges)},\n};\n`;

const header = `// GENERATED by build/scripts/gen-iana.mjs from the IANA TLS registry CSVs (../shared/data/iana,
// see core/tls/iana/SOURCE.md) plus newer registrations listed in the generator. Do not edit.
// Snapshot: cipher suites 2026-01-13, groups and signature schemes 2025-11-11, extensions and
// handshake types 2022-01-16 completed with later registrations (RFC 9849 ECH) on ${SNAPSHOT}.
import type { RegistryTable } from './registry.js';

export const REGISTRY_SNAPSHOT_DATE = '${SNAPSHOT}';
`;
writeFileSync(out, [
  header,
  emit('CIPHER_SUITES', ciphers),
  emit('SUPPORTED_GROUPS', groups),
  emit('SIGNATURE_SCHEMES', sigschemes),
  emit('EXTENSION_TYPES', extensions),
  emit('HANDSHAKE_TYPES', handshake),
  `export const ALPN_PROTOCOL_IDS: readonly string[] = ${JSON.stringify(alpn)};\n`,
].join('\n'));
console.log(`wrote ${out}`);
