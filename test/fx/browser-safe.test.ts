// decimal.ts and quote.ts are imported by the SDK: nothing they reach, transitively, may come from
// node: or a native package (remit-spec: browser-safe files).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { it } from 'node:test';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));

function reachedImports(entry: string): { files: Set<string>; offending: string[] } {
  const files = new Set<string>();
  const offending: string[] = [];
  const visit = (file: string): void => {
    if (files.has(file)) return;
    files.add(file);
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]/g)) {
      const specifier = m[1]!;
      if (specifier.startsWith('.')) visit(resolve(dirname(file), specifier));
      else if (/^node:|^lmdb$|^fs$|^crypto$/.test(specifier)) {
        offending.push(`${relative(root, file)} imports ${specifier}`);
      }
    }
  };
  visit(resolve(root, entry));
  return { files, offending };
}

for (const entry of ['src/modules/fx/decimal.ts', 'src/modules/fx/quote.ts']) {
  it(`${entry} reaches nothing from node: or native packages`, () => {
    const { files, offending } = reachedImports(entry);
    assert.ok(files.size >= 2, 'the walk followed its imports');
    assert.deepEqual(offending, []);
  });
}

it('the walk does see verify.ts reach node:crypto (the check can fail)', () => {
  const { offending } = reachedImports('src/modules/fx/verify.ts');
  assert.ok(offending.some((line) => line.endsWith('node:crypto')));
});
