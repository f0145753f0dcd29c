export { parseDer, oidToString, content, contentStart, nodeEnd, TAG, type DerNode, type DerParse } from './der.js';
export { readName, formatName, decodeDirectoryString, attributeNames, type NameAttribute } from './names.js';
export { parseCertificate, type Certificate, type CertificateExtension } from './certificate.js';
export { dissectCertificate, oidName } from './dissect.js';
