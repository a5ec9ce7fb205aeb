import type { EventEmitter } from "node:events";

export interface NodeStatus {
  fill?: string;
  shape?: string;
  text?: string;
}

type Waiter = { id: string; matches: (status: NodeStatus) => boolean; resolve: (status: NodeStatus) => void };

/**
 * Records the status of every node from Node-RED's `node-status` events, so a test can await a status that may
 * already have been shown.
 */
export class StatusRecorder {
  private readonly seen = new Map<string, NodeStatus[]>();
  private readonly waiters = new Set<Waiter>();
  private readonly listener = (event: { id: string; status?: NodeStatus }) => this.record(event);

  constructor(private readonly events: EventEmitter) {
    events.on("node-status", this.listener);
  }

  /** Resolves with the first status of node `id`, past or future, that `matches`. */
  waitFor(id: string, matches: (status: NodeStatus) => boolean): Promise<NodeStatus> {
    const earlier = this.seen.get(id)?.find(matches);
    if (earlier !== undefined) {
      return Promise.resolve(earlier);
    }

    return new Promise((resolve) => this.waiters.add({ id, matches, resolve }));
  }

  /** Forgets what was seen, so the next wait only sees new statuses. */
  clear(): void {
    this.seen.clear();
  }

  close(): void {
    this.events.off("node-status", this.listener);
  }

  private record(event: { id: string; status?: NodeStatus }): void {
    if (event.status === undefined) {
      return;
    }
    const status = event.status;
    this.seen.set(event.id, [...(this.seen.get(event.id) ?? []), status]);
    for (const waiter of this.waiters) {
      if (waiter.id === event.id && waiter.matches(status)) {
        this.waiters.delete(waiter);
        waiter.resolve(status);
      }
    }
  }
}
