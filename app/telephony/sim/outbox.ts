/**
 * Event delivery for the simulator. Events raised while a command runs (hangup, bridge …) are
 * delivered on the next clock turn, after the command has returned, as a real switch's would:
 * a listener never runs inside the dialer's own call. Events raised by timers go out at once.
 */
import type { Clock } from '../clock';

export interface Topic<E> {
  on(listener: (event: E) => void): () => void;
  emit(event: E): void;
}

export class Outbox {
  private depth = 0;
  private open = true;

  constructor(
    private readonly clock: Clock,
    private readonly onError: (error: unknown) => void = (e) => console.error('softswitch listener failed', e),
  ) {}

  /** Runs a command: events it raises wait until it has returned. */
  command<T>(fn: () => T): T {
    this.depth++;
    try {
      return fn();
    } finally {
      this.depth--;
    }
  }

  /** Drops everything not yet delivered, and all later events. */
  close(): void {
    this.open = false;
  }

  topic<E>(): Topic<E> {
    const listeners = new Set<(event: E) => void>();
    const send = (event: E) => {
      if (!this.open) return;
      for (const listener of [...listeners]) {
        try {
          listener(event);
        } catch (error) {
          this.onError(error);
        }
      }
    };
    return {
      on: (listener) => {
        listeners.add(listener);
        return () => listeners.delete(listener);
      },
      emit: (event) => {
        if (this.depth === 0) send(event);
        else this.clock.setTimer(0, () => send(event));
      },
    };
  }
}
