import type { Browser } from './http';

// A supervisor's wallboard as the browser runs it: the page, the bell's unread count, two streams
// of /live/monitoring (the wallboard's and the bell's), a snapshot reload per burst of events
// (coalesced over 250 ms) and every 5 s, the bell on alerts and every 30 s.

const COALESCE_MS = 250; // app/components/monitoring/useLiveSnapshot.ts
const PERIODIC_MS = 5000;
const BELL_MS = 30_000; // app/components/monitoring/NotificationBell.tsx
const TOPICS = new Set(['attempt', 'agent', 'task', 'alert']);

export class Wallboard {
  reloads: number[] = [];
  measuring = false;
  private pending: NodeJS.Timeout | null = null;
  private loading = false;

  constructor(private readonly browser: Browser) {}

  async start(signal: AbortSignal): Promise<void> {
    await this.browser.request('/monitoring');
    const bell = () => void this.browser.request('/monitoring/notifications');
    bell();
    this.browser.stream('/live/monitoring', signal, (event) => TOPICS.has(event) && this.refresh());
    this.browser.stream('/live/monitoring', signal, (event) => event === 'alert' && bell());
    const periodic = setInterval(() => this.refresh(), PERIODIC_MS);
    const bellPoll = setInterval(bell, BELL_MS);
    signal.addEventListener('abort', () => {
      clearInterval(periodic);
      clearInterval(bellPoll);
      if (this.pending) clearTimeout(this.pending);
    });
  }

  private refresh() {
    if (this.pending) return;
    this.pending = setTimeout(async () => {
      this.pending = null;
      // Remix does not start a second revalidation while one is loading; neither does this.
      if (this.loading) return;
      this.loading = true;
      const started = performance.now();
      const ok = await this.browser.request('/monitoring.data');
      if (ok && this.measuring) this.reloads.push(performance.now() - started);
      this.loading = false;
    }, COALESCE_MS);
  }
}
