// Enforces docs/ARCHITECTURE.md: imports only go down the layers, and every folder is in the table.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, it } from 'node:test';

const root = resolve(import.meta.dirname, '../..');
const src = join(root, 'src');

/** Each layer and the layers it may import; mirrors the table in docs/ARCHITECTURE.md. */
const below = [
  'util',
  'codec',
  'crypto',
  'storage',
  'ledger',
  'consensus',
  'mempool',
  'p2p',
  'execution',
  'modules',
  'apps',
];
const allowed: Record<string, readonly string[]> = {
  util: [],
  codec: ['util'],
  crypto: ['util', 'codec'],
  storage: ['util', 'codec'],
  ledger: ['util', 'codec', 'crypto', 'storage'],
  consensus: ['util', 'codec', 'crypto', 'ledger'],
  mempool: ['util', 'codec', 'crypto', 'ledger'],
  p2p: ['util', 'codec', 'crypto', 'ledger'],
  execution: ['util', 'codec', 'crypto', 'storage', 'ledger'],
  modules: ['util', 'codec', 'crypto', 'ledger', 'execution'],
  apps: ['util', 'codec', 'crypto', 'ledger', 'execution', 'modules'],
  api: below,
  // The SDK builds module arguments (quotes, sealed Travel-Rule data) with the modules' own
  // browser-safe files; the transitive check below keeps node: out of what it reaches.
  sdk: ['util', 'codec', 'crypto', 'ledger', 'modules', 'apps'],
  node: [...below, 'api', 'sdk'],
  cli: [...below, 'api', 'sdk', 'node'],
};

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.(ts|tsx)$/.test(name) ? [path] : [];
  });
}

function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specifiers = [
    ...text.matchAll(
      /(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g,
    ),
  ];
  return specifiers.map((m) => (m[1] ?? m[2])!).filter((s) => s.startsWith('.'));
}

function layerOf(path: string): string {
  return relative(src, path).split('/')[0]!;
}

describe('architecture', () => {
  it('lists every folder under src/ in the layer table', () => {
    const folders = readdirSync(src).filter((name) => statSync(join(src, name)).isDirectory());
    const doc = readFileSync(join(root, 'docs/ARCHITECTURE.md'), 'utf8');
    for (const folder of folders) {
      assert.ok(folder in allowed, `src/${folder} is not in the layer rules of this test`);
      assert.ok(doc.includes(`\`${folder}/\``), `src/${folder} is not in docs/ARCHITECTURE.md`);
    }
  });

  it('imports only go down the layers', () => {
    const violations: string[] = [];
    const files = sourceFiles(src);
    assert.ok(files.length > 10, 'expected to find the source files');
    for (const file of files) {
      const from = layerOf(file);
      for (const specifier of importsOf(file)) {
        const target = resolve(dirname(file), specifier);
        if (!target.startsWith(src)) {
          violations.push(`${relative(root, file)} imports ${specifier}, outside src/`);
          continue;
        }
        const to = layerOf(target);
        if (to !== from && !allowed[from]?.includes(to))
          violations.push(`${relative(root, file)} (${from}) imports ${to}: ${specifier}`);
      }
    }
    assert.deepEqual(violations, []);
  });

  it('browser-safe entry points reach nothing from node: or native packages, transitively', () => {
    // What the SDK and the console's proof checks will import: ledger types, proofs, verifiers.
    const entries = [
      'src/ledger/tx.ts',
      'src/ledger/block.ts',
      'src/ledger/certificate.ts',
      'src/ledger/receipt.ts',
      'src/ledger/validator-set.ts',
      'src/ledger/state/verify.ts',
      'src/ledger/state/proof.ts',
      'src/crypto/merkle.ts',
      'src/sdk/index.ts',
    ];
    const seen = new Set<string>();
    const offending: string[] = [];
    const visit = (file: string): void => {
      if (seen.has(file)) return;
      seen.add(file);
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(/(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]/g)) {
        const specifier = m[1]!;
        if (specifier.startsWith('.')) visit(resolve(dirname(file), specifier));
        else if (/^node:|^lmdb$|^fs$|^crypto$/.test(specifier))
          offending.push(`${relative(root, file)} imports ${specifier}`);
      }
    };
    for (const entry of entries) visit(join(root, entry));
    assert.ok(seen.size >= entries.length);
    assert.deepEqual(offending, []);
  });

  it('the console imports only the SDK, util and files the SDK reaches, and nothing from node:', () => {
    const consoleSrc = join(root, 'console/src');
    const reached = new Set<string>();
    const visit = (file: string): void => {
      if (reached.has(file)) return;
      reached.add(file);
      for (const specifier of importsOf(file)) visit(resolve(dirname(file), specifier));
    };
    visit(join(src, 'sdk/index.ts'));
    const violations: string[] = [];
    const files = sourceFiles(consoleSrc);
    assert.ok(files.length > 5, 'expected to find the console sources');
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(/(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]/g))
        if (/^node:|^lmdb$|^fs$|^crypto$/.test(m[1]!))
          violations.push(`${relative(root, file)} imports ${m[1]}`);
      for (const specifier of importsOf(file)) {
        const target = resolve(dirname(file), specifier);
        if (target.startsWith(consoleSrc)) continue;
        const layer = target.startsWith(src) ? layerOf(target) : '(outside src)';
        if (layer === 'sdk' || layer === 'util' || reached.has(target)) continue;
        violations.push(`${relative(root, file)} imports ${relative(root, target)}`);
      }
    }
    assert.deepEqual(violations, []);
  });
});
