import { useRevalidator } from '@remix-run/react';
import { useEffect, useRef, useState } from 'react';

// Reloads the page's loader data when live events arrive: the first event of a burst opens a short
// coalescing window, so a busy floor costs one reload per window, not one per event; a periodic
// reload covers figures that move without events (dialer status, time windows sliding).

export const COALESCE_MS = 250;
export const PERIODIC_MS = 5000;

/** Returns how long the last event took to show (event → new data rendered), in ms. */
export function useLiveSnapshot(url: string, topics: string[], dataAt: string): number | null {
  const revalidator = useRevalidator();
  // The latest revalidate, without reconnecting the stream each time the revalidator's state changes.
  const revalidate = useRef(revalidator.revalidate);
  revalidate.current = revalidator.revalidate;
  const pending = useRef<ReturnType<typeof setTimeout> | null>(null);
  const firstEventAt = useRef<number | null>(null);
  const [latency, setLatency] = useState<number | null>(null);
  // biome-ignore lint/correctness/useExhaustiveDependencies: a new snapshot is the trigger
  useEffect(() => {
    if (firstEventAt.current !== null) {
      setLatency(Math.round(performance.now() - firstEventAt.current));
      firstEventAt.current = null;
    }
  }, [dataAt]);
  useEffect(() => {
    const source = new EventSource(url);
    const refresh = (fromEvent: boolean) => {
      if (fromEvent && firstEventAt.current === null) firstEventAt.current = performance.now();
      if (pending.current) return;
      pending.current = setTimeout(() => {
        pending.current = null;
        revalidate.current();
      }, COALESCE_MS);
    };
    const onEvent = () => refresh(true);
    for (const topic of topics) source.addEventListener(topic, onEvent);
    const poll = setInterval(() => refresh(false), PERIODIC_MS);
    return () => {
      source.close();
      clearInterval(poll);
      if (pending.current) clearTimeout(pending.current);
    };
  }, [url, topics]);
  return latency;
}

/** The current time, ticking (time in state on the wallboard); null until mounted, so server and browser render alike. */
export function useNow(everyMs = 1000): number | null {
  const [now, setNow] = useState<number | null>(null);
  useEffect(() => {
    setNow(Date.now());
    const t = setInterval(() => setNow(Date.now()), everyMs);
    return () => clearInterval(t);
  }, [everyMs]);
  return now;
}

export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  const mm = String(m).padStart(2, '0');
  const ss = String(sec).padStart(2, '0');
  return h ? `${h}:${mm}:${ss}` : `${mm}:${ss}`;
}
