import type { Classification } from "../emotion/classifier.js";
import type { Logger } from "../logger.js";
import type { MqttClient } from "../mqtt/client.js";
import type { Reply, Topics } from "../mqtt/topics.js";

export interface ClassifyRequestsOptions {
  mqtt: MqttClient;
  topics: Topics;
  classify: (text: string) => Promise<Classification>;
  maxLength: number;
  logger: Logger;
}

/**
 * Serves `<base>/request/classify` (`{"text", "transaction"?}`) with `{status, data: {scores, labels, top},
 * transaction}` on `<base>/response/classify`, for Node-RED's classify node and people's own flows. The reply
 * never repeats the text.
 */
export class ClassifyRequests {
  constructor(private readonly options: ClassifyRequestsOptions) {}

  async start(): Promise<void> {
    await this.options.mqtt.subscribe(this.options.topics.request("classify"), (_topic, payload) =>
      this.handle(payload),
    );
  }

  private async handle(payload: Buffer): Promise<void> {
    let request: { text?: unknown; transaction?: unknown };
    try {
      request = JSON.parse(payload.toString("utf8")) as typeof request;
    } catch {
      await this.reply({ status: "error", data: {}, error: "payload is not JSON" });
      return;
    }
    const transaction = typeof request?.transaction === "string" ? request.transaction : undefined;
    const text = request?.text;
    if (typeof text !== "string" || text.length > this.options.maxLength) {
      const error =
        typeof text === "string" ? `text over ${this.options.maxLength} characters` : "text must be a string";
      await this.reply({ status: "error", data: {}, error, transaction });
      return;
    }
    try {
      const classification = await this.options.classify(text);
      await this.reply({ status: "ok", data: classification, transaction });
    } catch (error) {
      this.options.logger.error(`failed to classify a request (${(error as Error).message})`);
      await this.reply({ status: "error", data: {}, error: "classification failed", transaction });
    }
  }

  private async reply(reply: Reply): Promise<void> {
    if (reply.transaction === undefined) {
      delete reply.transaction;
    }
    await this.options.mqtt.publish(this.options.topics.response("classify"), reply);
  }
}
