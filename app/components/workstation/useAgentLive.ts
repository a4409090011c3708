import { useEffect, useRef } from 'react';

/** A message of the agent's live stream (/agent/live). */
export interface AgentLiveMessage {
  topic: 'agent' | 'attempt' | 'call' | 'screenPop';
  data: Record<string, unknown>;
  at: string;
}

/**
 * Subscribes to the agent's own live events. The browser's EventSource reconnects by itself;
 * `onOpen` runs on every (re)connect so the page can catch up on what it missed.
 */
export function useAgentLive(onMessage: (message: AgentLiveMessage) => void, onOpen?: () => void) {
  const handler = useRef(onMessage);
  const opened = useRef(onOpen);
  handler.current = onMessage;
  opened.current = onOpen;
  useEffect(() => {
    const source = new EventSource('/agent/live');
    const listen = (topic: AgentLiveMessage['topic']) =>
      source.addEventListener(topic, (event) => {
        try {
          handler.current(JSON.parse((event as MessageEvent<string>).data) as AgentLiveMessage);
        } catch {
          // A malformed message is dropped; the next state change or a reload brings the truth.
        }
      });
    for (const topic of ['agent', 'attempt', 'call', 'screenPop'] as const) listen(topic);
    source.addEventListener('open', () => opened.current?.());
    return () => source.close();
  }, []);
}

/** POST JSON to a workstation route and return its JSON answer. */
export async function postJson<T>(url: string, body: unknown): Promise<T> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  // Validation errors come back as JSON with a 4xx status; anything else is reported by its status.
  const answer = (await response.json().catch(() => null)) as T | null;
  if (answer && typeof answer === 'object' && 'ok' in answer) return answer;
  return { ok: false, error: `workstation.http${response.status}` } as T;
}

/** Seconds since an ISO time, ticking every second. */
export function elapsedSec(since: string | null | undefined, now: number): number {
  if (!since) return 0;
  return Math.max(0, Math.floor((now - Date.parse(since)) / 1000));
}

export function clock(totalSec: number): string {
  const h = Math.floor(totalSec / 3600);
  const m = Math.floor((totalSec % 3600) / 60);
  const s = totalSec % 60;
  const mm = String(m).padStart(2, '0');
  const ss = String(s).padStart(2, '0');
  return h ? `${h}:${mm}:${ss}` : `${mm}:${ss}`;
}
