// Hashes from node:crypto, independent of core's @noble implementation, for expected values.
import { createHash } from 'node:crypto';

export const refH12 = (s: string): string => (s === '' ? '000000000000' : createHash('sha256').update(s).digest('hex').slice(0, 12));
export const refMd5 = (s: string): string => createHash('md5').update(s).digest('hex');
export const refSha3_384 = (s: string): string => createHash('sha3-384').update(s).digest('hex');
