// The CLI bundle (bin/cli-bundle.mjs): each module keeps its own import.meta location, the bundle
// is reused while its inputs are unchanged and rebuilt when one changes, and what cannot be bundled
// is refused (the bin then falls back on tsx). Fixture projects live in temporary folders.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { buildCliBundle, cliBundle, cliBundleDefaults, isFresh } from '../../bin/cli-bundle.mjs';
import { tallyBin } from './tally-process.ts';

const run = promisify(execFile);
const scratch = mkdtempSync(join(tmpdir(), 'tally-cli-bundle-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

type Where = { url: string; dirname: string; filename: string; fromEntry: string };

function fixture(
  name: string,
  whereBody?: string,
): { root: string; entry: string; where: string; outFile: string } {
  const root = join(scratch, name);
  mkdirSync(join(root, 'lib'), { recursive: true });
  const where = join(root, 'lib/where.ts');
  writeFileSync(
    where,
    whereBody ??
      [
        'export const url: string = import.meta.url;',
        'export const dirname: string = import.meta.dirname;',
        'export const filename: string = import.meta.filename;',
      ].join('\n'),
  );
  const entry = join(root, 'main.ts');
  writeFileSync(
    entry,
    "export { url, dirname, filename } from './lib/where.ts';\nexport const fromEntry: string = import.meta.url;\n",
  );
  return { root, entry, where, outFile: join(root, 'out/cli.mjs') };
}

async function load(outFile: string): Promise<Where> {
  // A query string makes each import a new module instance.
  return (await import(`${pathToFileURL(outFile).href}?v=${Math.random()}`)) as Where;
}

describe('cli bundle', () => {
  test('each module sees its own source location, not the bundle', async () => {
    const f = fixture('location');
    const result = await cliBundle(f);
    assert.deepEqual(result, { url: pathToFileURL(f.outFile), built: true });
    const where = await load(f.outFile);
    assert.equal(where.url, pathToFileURL(f.where).href);
    assert.equal(where.dirname, join(f.root, 'lib'));
    assert.equal(where.filename, f.where);
    assert.equal(where.fromEntry, pathToFileURL(f.entry).href);
  });

  test('a bundle is reused while its inputs are unchanged, and rebuilt when one changes', async () => {
    const f = fixture('fresh');
    assert.equal(isFresh(f.root, f.outFile), false, 'no bundle yet');
    assert.equal((await cliBundle(f))?.built, true);
    assert.equal(isFresh(f.root, f.outFile), true);
    assert.equal((await cliBundle(f))?.built, false);

    writeFileSync(
      f.where,
      "export const url = 'edited';\nexport const dirname = '';\nexport const filename = '';\n",
    );
    assert.equal(isFresh(f.root, f.outFile), false, 'an edited input');
    assert.equal((await cliBundle(f))?.built, true);
    assert.equal((await load(f.outFile)).url, 'edited');

    // Same size, new mtime: still stale (an editor that rewrites a file in place).
    const later = new Date(Date.now() + 60_000);
    utimesSync(f.entry, later, later);
    assert.equal(isFresh(f.root, f.outFile), false, 'a touched input');
    assert.equal((await cliBundle(f))?.built, true);

    rmSync(f.where);
    assert.equal(isFresh(f.root, f.outFile), false, 'a deleted input');
  });

  test('a bundle built from another checkout is stale', async () => {
    const a = fixture('checkout-a');
    const b = fixture('checkout-b');
    // Same files, same sizes and mtimes: only the checkout differs.
    const at = new Date('2026-01-02T03:04:05Z');
    for (const path of [a.entry, a.where, b.entry, b.where]) utimesSync(path, at, at);
    assert.equal((await cliBundle(a))?.built, true);
    mkdirSync(join(b.root, 'out'));
    copyFileSync(a.outFile, b.outFile);
    assert.equal(isFresh(b.root, b.outFile), false);
    assert.equal((await cliBundle(b))?.built, true);
    assert.equal((await load(b.outFile)).url, pathToFileURL(b.where).href);
  });

  test('what a dynamic import reaches goes into its own chunk, and old chunks are removed', async () => {
    const f = fixture('split');
    writeFileSync(
      f.entry,
      "export const later = async (): Promise<string> => (await import('./lib/where.ts')).url;\n",
    );
    const outDir = join(f.root, 'out');
    mkdirSync(outDir);
    const twoHoursAgo = new Date(Date.now() - 2 * 60 * 60 * 1000);
    for (const name of ['chunk-OLD.mjs', 'chunk-RECENT.mjs']) writeFileSync(join(outDir, name), '');
    utimesSync(join(outDir, 'chunk-OLD.mjs'), twoHoursAgo, twoHoursAgo);
    assert.equal((await cliBundle(f))?.built, true);
    const files = readdirSync(outDir);
    assert.ok(
      files.some((name) => /^where-[A-Z0-9]+\.mjs$/.test(name)),
      files.join(' '),
    );
    assert.ok(!files.includes('chunk-OLD.mjs'), 'an hour-old chunk of an earlier build is gone');
    assert.ok(
      files.includes('chunk-RECENT.mjs'),
      'a recent one stays for processes still starting',
    );
    const loaded = (await load(f.outFile)) as unknown as { later: () => Promise<string> };
    assert.equal(await loaded.later(), pathToFileURL(f.where).href);

    // A rebuild replaces the chunk; the replaced one stays an hour from now, though written before.
    const chunk = files.find((name) => name.startsWith('where-'))!;
    utimesSync(join(outDir, chunk), twoHoursAgo, twoHoursAgo);
    writeFileSync(f.where, "export const url = 'edited';\n");
    assert.equal((await cliBundle(f))?.built, true);
    const after = readdirSync(outDir);
    assert.ok(
      after.includes(chunk),
      'the chunk of the replaced entry stays for processes starting now',
    );
    assert.ok(after.some((name) => name.startsWith('where-') && name !== chunk));
  });

  test('a bundle without its inputs line is stale', async () => {
    const f = fixture('stampless');
    mkdirSync(join(f.root, 'out'));
    writeFileSync(f.outFile, 'export const url = "old";\n');
    assert.equal(isFresh(f.root, f.outFile), false);
  });

  test('import.meta beyond its location is refused, and cliBundle then gives undefined', async () => {
    const f = fixture('resolve', "export const url = import.meta.resolve('./x.ts');\n");
    await assert.rejects(buildCliBundle(f), /lib\/where\.ts: import\.meta cannot be bundled/);
    assert.equal(await cliBundle(f), undefined);
  });

  test('a compile error gives undefined (the bin then runs the sources through tsx)', async () => {
    const f = fixture('broken', 'export const url: string = ;\n');
    assert.equal(await cliBundle(f), undefined);
  });
});

describe('the project itself', () => {
  test('src/ bundles: a module that cannot be bundled would leave every tally command on tsx', async () => {
    // A module of the CLI's graph that used import.meta.resolve did that silently, and each
    // command then took about 1.1 s to start instead of 0.3 s.
    await buildCliBundle({
      root: cliBundleDefaults.root,
      entry: cliBundleDefaults.entry,
      outFile: join(scratch, 'project/cli.mjs'),
    });
    assert.ok(readdirSync(join(scratch, 'project')).includes('cli.mjs'));
  });
});

describe('bin/tally.mjs', () => {
  test('runs from the bundle and, with TALLY_CLI_BUNDLE=0, through tsx, with the same output', async () => {
    const bundled = await run(process.execPath, [tallyBin, 'tx', '--help'], { cwd: tmpdir() });
    const throughTsx = await run(process.execPath, [tallyBin, 'tx', '--help'], {
      cwd: tmpdir(),
      env: { ...process.env, TALLY_CLI_BUNDLE: '0' },
    });
    assert.match(bundled.stdout, /Usage: tally tx/);
    assert.equal(bundled.stdout, throughTsx.stdout);
  });
});
