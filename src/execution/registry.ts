// The set of modules a chain runs, fixed at startup: names checked once, lookups by Map so that a
// method name like 'constructor' or '__proto__' can never reach Object.prototype.
import { assert } from '../util/assert.ts';
import { methodNamePattern, moduleNamePattern } from './limits.ts';
import type { Method, Module } from './types.ts';

export type Registry = {
  /** In registration order: the order beginBlock and endBlock hooks run in. */
  readonly modules: readonly Module[];
  /** The modules with a checkSigner hook, in registration order: resolved once, not per transaction. */
  readonly signerChecks: readonly Module[];
  findModule(name: string): Module | undefined;
  findMethod(module: string, method: string): Method | undefined;
};

export function createRegistry(modules: readonly Module[]): Registry {
  const byName = new Map<string, { module: Module; methods: Map<string, Method> }>();
  for (const module of modules) {
    assert(
      moduleNamePattern.test(module.name),
      `module name ${JSON.stringify(module.name)} is not valid`,
    );
    assert(!byName.has(module.name), `module ${module.name} is registered twice`);
    const methods = new Map<string, Method>();
    for (const [name, method] of Object.entries(module.methods)) {
      assert(methodNamePattern.test(name), `method name ${module.name}.${name} is not valid`);
      assert(typeof method === 'function', `method ${module.name}.${name} is a function`);
      methods.set(name, method);
    }
    byName.set(module.name, { module, methods });
  }
  return Object.freeze({
    modules: Object.freeze([...modules]),
    signerChecks: Object.freeze(modules.filter((m) => m.checkSigner !== undefined)),
    findModule: (name: string) => byName.get(name)?.module,
    findMethod: (module: string, method: string) => byName.get(module)?.methods.get(method),
  });
}
