import type { Classification } from "../emotion/classifier.js";
import type { Logger } from "../logger.js";
import type { Metrics } from "../metrics.js";
import type { MqttClient } from "../mqtt/client.js";
import type { Reply, Topics } from "../mqtt/topics.js";
import { checkText, decodePayload, parseObject, type TextProblem } from "../transcripts/textRules.js";

export interface ClassifyRequestsOptions {
  mqtt: MqttClient;
  topics: Topics;
  classify: (text: string) => Promise<Classification>;
  maxLength: number;
  /** Requests classified or waiting at once; more are refused as `overloaded` instead of queueing without end. */
  maxPending: number;
  metrics: Metrics;
  logger: Logger;
}

type Request = { text: string; transaction?: string };

/**
 * Serves `<base>/request/classify` (`{"text", "transaction"?}`) with `{status, data: {scores, labels, top},
 * transaction}` on `<base>/response/classify`, for Node-RED's classify node and people's own flows. The text
 * obeys the transcript rules; neither the reply nor the log ever repeats it.
 */
export class ClassifyRequests {
  private pending = 0;

  constructor(private readonly options: ClassifyRequestsOptions) {}

  async start(): Promise<void> {
    await this.options.mqtt.subscribe(this.options.topics.request("classify"), (topic, payload, retained) =>
      this.handle(topic, payload, retained),
    );
  }

  private async handle(topic: string, payload: Buffer, retained: boolean): Promise<void> {
    // A retained request was answered when it was new; answering it on every resubscribe helps nobody.
    if (retained) {
      this.refuse(topic, { ok: false, reason: "retained", detail: "retained message, not a new request" });
      return;
    }
    const request = this.read(payload);
    if (!request.ok) {
      this.refuse(topic, request);
      await this.reply({ status: "error", data: {}, error: request.detail, transaction: request.transaction });
      return;
    }
    if (this.pending >= this.options.maxPending) {
      this.refuse(topic, { ok: false, reason: "overloaded", detail: "too many requests waiting" });
      await this.reply({ status: "error", data: {}, error: "overloaded", transaction: request.transaction });
      return;
    }
    await this.answer(request);
  }

  private read(payload: Buffer): ({ ok: true } & Request) | (TextProblem & { transaction?: string }) {
    const decoded = decodePayload(payload, this.options.maxLength);
    if (!decoded.ok) {
      return decoded;
    }
    const request = parseObject(decoded.text);
    if (request === undefined) {
      return { ok: false, reason: "invalid_json", detail: "payload is not a JSON object" };
    }
    const { text, transaction } = request;
    const echo = typeof transaction === "string" ? transaction : undefined;
    const checked = checkText(text, this.options.maxLength);

    return checked.ok ? { ok: true, text: checked.text, transaction: echo } : { ...checked, transaction: echo };
  }

  private async answer(request: Request): Promise<void> {
    this.pending++;
    try {
      const classification = await this.options.classify(request.text);
      await this.reply({ status: "ok", data: classification, transaction: request.transaction });
    } catch (error) {
      this.options.logger.error(`failed to classify a request (${(error as Error).message})`);
      await this.reply({ status: "error", data: {}, error: "classification failed", transaction: request.transaction });
    } finally {
      this.pending--;
    }
  }

  private refuse(topic: string, problem: TextProblem): void {
    this.options.metrics.classifyRejected.inc({ reason: problem.reason });
    this.options.logger.warn(`rejected classify request on '${topic}' (${problem.detail})`);
  }

  private async reply(reply: Reply): Promise<void> {
    if (reply.transaction === undefined) {
      delete reply.transaction;
    }
    await this.options.mqtt.publish(this.options.topics.response("classify"), reply);
  }
}
