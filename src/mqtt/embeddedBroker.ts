import { once } from "node:events";
import net from "node:net";
// aedes is pinned to 0.51 (CommonJS): 1.2 did not forward retained publishes to clients already subscribed, here;
// they only reached later subscribers, so a dashboard would miss live state changes.
import aedes from "aedes";

type Aedes = ReturnType<typeof aedes.createBroker>;

import type { Logger } from "../logger.js";

export interface EmbeddedBrokerOptions {
  host: string;
  /** 0 picks a free port. */
  port: number;
  logger: Logger;
}

/** An in-process aedes broker, started when the config names no broker. No-delay is set on every socket. */
export class EmbeddedBroker {
  private constructor(
    private readonly aedes: Aedes,
    private readonly server: net.Server,
    readonly url: string,
  ) {}

  static async start(options: EmbeddedBrokerOptions): Promise<EmbeddedBroker> {
    const broker = aedes.createBroker();
    const server = net.createServer({ noDelay: true }, (socket) => broker.handle(socket));
    server.listen(options.port, options.host);
    await once(server, "listening");
    const address = server.address() as net.AddressInfo;
    const url = `mqtt://${options.host}:${address.port}`;
    options.logger.info(`embedded MQTT broker listening on ${url}`);

    return new EmbeddedBroker(broker, server, url);
  }

  get port(): number {
    return (this.server.address() as net.AddressInfo).port;
  }

  async close(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    await new Promise<void>((resolve) => this.aedes.close(() => resolve()));
    await closed;
  }
}
