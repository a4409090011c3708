// Preloaded into bench:load's web process (node --import): reports its memory to the benchmark
// over the IPC channel every MEMORY_PROBE_MS, without keeping the process alive.
if (process.send) {
  process.channel?.unref();
  const every = Number(process.env.MEMORY_PROBE_MS ?? 2000);
  setInterval(() => {
    const m = process.memoryUsage();
    process.send?.({ type: 'memory', at: Date.now(), rss: m.rss, heapUsed: m.heapUsed, external: m.external });
  }, every).unref();
}
