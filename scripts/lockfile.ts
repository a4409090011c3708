// package-lock.json helpers shared by deps:check and licences.

/** The lockfile key `name` resolves to when required from the package at `fromKey` (Node's lookup). */
export function resolveInLock(packages: Record<string, unknown>, fromKey: string, name: string): string | null {
  let base = fromKey;
  for (;;) {
    const key = `${base ? `${base}/` : ''}node_modules/${name}`;
    if (packages[key]) return key;
    if (!base) return null;
    const at = base.lastIndexOf('node_modules/');
    base = at <= 0 ? '' : base.slice(0, at - 1);
  }
}
