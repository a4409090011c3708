// One instance per process, even when a module is loaded twice (the Vite SSR bundle and the
// CLI's own import of the same file both reach the same object through globalThis).
export function singleton<T>(name: string, create: () => T): T {
  const store = globalThis as unknown as { __waihuSingletons?: Map<string, unknown> };
  store.__waihuSingletons ??= new Map();
  if (!store.__waihuSingletons.has(name)) store.__waihuSingletons.set(name, create());
  return store.__waihuSingletons.get(name) as T;
}

export function forgetSingleton(name: string): void {
  (globalThis as unknown as { __waihuSingletons?: Map<string, unknown> }).__waihuSingletons?.delete(name);
}
