import { once } from "node:events";
import http from "node:http";
import type { AddressInfo } from "node:net";
import type { Logger } from "../logger.js";
import type { Metrics } from "../metrics.js";

/** What `/healthz` reports; `ok` is false while a part the hub needs is down. */
export interface Health {
  ok: boolean;
  mqtt: boolean;
  homeassistant: boolean;
  model: "loading" | "ready" | "error";
}

export interface HttpServerOptions {
  host: string;
  port: number;
  metrics: Metrics;
  health: () => Health;
  logger: Logger;
}

/** Serves `/healthz` (JSON, 503 while unhealthy) and Prometheus `/metrics`. */
export class HttpServer {
  private readonly server: http.Server;

  constructor(private readonly options: HttpServerOptions) {
    this.server = http.createServer((request, response) => {
      void this.handle(request, response);
    });
  }

  async start(): Promise<string> {
    this.server.listen(this.options.port, this.options.host);
    await once(this.server, "listening");
    const url = `http://${this.options.host}:${(this.server.address() as AddressInfo).port}`;
    this.options.logger.info(`health and metrics on ${url}/healthz and ${url}/metrics`);

    return url;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(request: http.IncomingMessage, response: http.ServerResponse): Promise<void> {
    const path = (request.url ?? "/").split("?")[0];
    try {
      if (path === "/healthz") {
        const health = this.options.health();
        response.writeHead(health.ok ? 200 : 503, { "content-type": "application/json" });
        response.end(JSON.stringify(health));
        return;
      }
      if (path === "/metrics") {
        const body = await this.options.metrics.registry.metrics();
        response.writeHead(200, { "content-type": this.options.metrics.registry.contentType });
        response.end(body);
        return;
      }
      response.writeHead(404, { "content-type": "text/plain" });
      response.end("not found\n");
    } catch (error) {
      this.options.logger.error(`failed to serve '${path}' (${(error as Error).message})`);
      response.writeHead(500);
      response.end();
    }
  }
}
