/** sha256 hex of a string or bytes: content ids, dataset names, checksums. */
import { createHash } from 'node:crypto';

export const sha256 = (data: string | Buffer): string => createHash('sha256').update(data).digest('hex');
