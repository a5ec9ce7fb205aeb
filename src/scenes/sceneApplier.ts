import type { Logger } from "../logger.js";
import { type Scene, type ServiceCall, serviceCallsFor } from "./scene.js";

/** The part of the Home Assistant client the applier needs. */
export interface ServiceCaller {
  callService(
    domain: string,
    service: string,
    serviceData?: object,
    target?: ServiceCall["target"],
  ): Promise<{ context: { id: string } }>;
}

export interface SceneApplierOptions {
  client: ServiceCaller;
  logger: Logger;
}

/** How applying a scene went. */
export interface ApplyOutcome {
  status: "ok" | "error";
  /** The first failure, with Home Assistant's error code and message. */
  error?: { code: string; message: string };
  /** Service calls attempted. */
  calls: number;
  /** Context ids of the calls that succeeded: changes carrying them are the hub's own. */
  contexts: string[];
  transaction?: string;
}

/** Errors after which the remaining calls of a scene cannot succeed either. */
const CONNECTION_CODES = new Set(["not_connected", "connection_lost"]);

/**
 * Applies scenes through Home Assistant, one service call after another. A failing part does not stop the
 * others (a missing speaker should not keep the lights from changing); the first failure is reported. Only a
 * lost connection ends a scene early, since every later call would fail the same way.
 */
export class SceneApplier {
  private readonly client: ServiceCaller;
  private readonly logger: Logger;
  private readonly inFlight = new Set<Promise<ApplyOutcome>>();

  constructor(options: SceneApplierOptions) {
    this.client = options.client;
    this.logger = options.logger;
  }

  /** Applies a scene to a room's area (or the entities the scene names). Never rejects. */
  apply(room: string, area: string, scene: Scene): Promise<ApplyOutcome> {
    const run = this.run(room, area, scene);
    this.inFlight.add(run);
    void run.finally(() => this.inFlight.delete(run));

    return run;
  }

  /** Resolves when every scene under way has finished, so none is left half-applied at shutdown. */
  async drain(): Promise<void> {
    while (this.inFlight.size > 0) {
      await Promise.allSettled([...this.inFlight]);
    }
  }

  private async run(room: string, area: string, scene: Scene): Promise<ApplyOutcome> {
    const calls = serviceCallsFor(scene, area);
    const outcome: ApplyOutcome = { status: "ok", calls: 0, contexts: [], transaction: scene.transaction };
    for (const call of calls) {
      outcome.calls++;
      const failure = await this.callOne(call, outcome);
      if (failure !== undefined && CONNECTION_CODES.has(failure.code)) {
        break;
      }
    }
    const name = scene.name ?? "unnamed";
    if (outcome.status === "ok") {
      this.logger.info(`applied scene '${name}' to room '${room}'`);
    }

    return outcome;
  }

  private async callOne(call: ServiceCall, outcome: ApplyOutcome): Promise<{ code: string } | undefined> {
    try {
      const result = await this.client.callService(call.domain, call.service, call.service_data, call.target);
      outcome.contexts.push(result.context.id);
      return undefined;
    } catch (error) {
      const failure = describe(error);
      const cause = failure.message.replace(/\.$/, "");
      this.logger.warn(`failed to call ${call.domain}.${call.service} for ${targetOf(call)} (${cause})`);
      outcome.status = "error";
      outcome.error ??= failure;
      return failure;
    }
  }
}

function describe(error: unknown): { code: string; message: string } {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };

  return {
    code: typeof code === "string" ? code : "unknown_error",
    message: typeof message === "string" && message !== "" ? message : String(error),
  };
}

function targetOf(call: ServiceCall): string {
  if (call.target.area_id !== undefined) {
    return `area '${call.target.area_id}'`;
  }

  const ids = call.target.entity_id;

  return `entities '${Array.isArray(ids) ? ids.join(", ") : ids}'`;
}
