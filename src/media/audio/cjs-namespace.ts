/**
 * alawmulaw and wavefile ship a UMD bundle as `main` and no `exports` map: under Node ESM their named exports do not
 * exist at runtime (only `default` does), although their typings claim them; under esbuild-CJS it is the other way
 * round. `import * as ns` and {@link cjsNamespace} work in both (libraries.md §7).
 */
export function cjsNamespace<T extends object>(ns: T, member: keyof T): T {
  const record = ns as Record<PropertyKey, unknown>;
  if (record[member] !== undefined) return ns;
  const fallback = record.default;
  if (typeof fallback !== "object" || fallback === null || !(member in fallback)) {
    throw new Error(`module namespace has neither ${String(member)} nor a default export holding it`);
  }
  return fallback as T;
}
