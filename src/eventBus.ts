import type { Logger } from "./logger.js";

type Handler<T> = (payload: T) => void | Promise<void>;

/**
 * A small typed publish/subscribe bus inside the hub. Each handler runs isolated: one that throws or rejects is
 * logged and the others still run, so a faulty listener never stops the hub.
 */
export class EventBus<Events extends object> {
  private readonly handlers = new Map<keyof Events, Handler<never>[]>();

  constructor(private readonly logger: Logger) {}

  on<K extends keyof Events>(event: K, handler: Handler<Events[K]>): () => void {
    const list = this.handlers.get(event) ?? [];
    list.push(handler as Handler<never>);
    this.handlers.set(event, list);

    return () => {
      const index = list.indexOf(handler as Handler<never>);
      if (index >= 0) {
        list.splice(index, 1);
      }
    };
  }

  /** Runs every handler; resolves when all have settled. */
  async emit<K extends keyof Events>(event: K, payload: Events[K]): Promise<void> {
    const list = [...(this.handlers.get(event) ?? [])] as Handler<Events[K]>[];
    await Promise.all(list.map((handler) => this.run(event, handler, payload)));
  }

  private async run<K extends keyof Events>(event: K, handler: Handler<Events[K]>, payload: Events[K]): Promise<void> {
    try {
      await handler(payload);
    } catch (error) {
      this.logger.error(`failed to handle event '${String(event)}' (${(error as Error).message})`);
    }
  }
}
