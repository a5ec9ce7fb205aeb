import { parseArgs } from "node:util";
import { loadConfig } from "../config/load.js";
import { Hub } from "../hub.js";
import { createLogger, type Logger } from "../logger.js";
import { CONFIG_INVALID } from "./checkConfig.js";

export const summary = "run the hub (embedded broker, simulated home and Node-RED unless configured otherwise)";

/** Exit code when the hub could not start (a port in use, the model missing, ...). */
const START_FAILED = 1;

export async function run(argv: string[]): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { config: { type: "string", short: "c" } } });
  const loaded = loadConfig({ file: values.config });
  if (!loaded.ok) {
    console.error(`invalid configuration:\n${loaded.problems.map((p) => `  ${p}`).join("\n")}`);
    return CONFIG_INVALID;
  }
  const logger = createLogger(loaded.config.logLevel);
  // A fault deep in a dependency must not take the whole home down: log it and keep serving.
  process.on("unhandledRejection", (reason) => {
    logger.error(
      `failed to handle an asynchronous error (${reason instanceof Error ? reason.message : String(reason)})`,
    );
  });
  const hub = new Hub({ config: loaded.config, secrets: loaded.secrets, logger });
  // Listening before start-up begins, so that a stop while starting still shuts down cleanly.
  const shutdown = stopOnSignal(hub, logger);
  try {
    const endpoints = await hub.start();
    if (endpoints.nodered) {
      logger.info(`Node-RED editor on ${endpoints.nodered}`);
    }
  } catch (error) {
    if (shutdown.received()) {
      return shutdown.done;
    }
    logger.error(`failed to start emotion-hub (${(error as Error).message})`);
    return START_FAILED;
  }

  return shutdown.done;
}

/** Stops the hub on SIGTERM or SIGINT; `done` resolves with exit code 0 once it has stopped. */
function stopOnSignal(hub: Hub, logger: Logger): { received: () => boolean; done: Promise<number> } {
  let received = false;
  const done = new Promise<number>((resolve) => {
    const shutdown = (signal: string) => {
      received = true;
      logger.info(`received ${signal}, shutting down`);
      void hub.stop().then(() => resolve(0));
    };
    process.once("SIGTERM", () => shutdown("SIGTERM"));
    process.once("SIGINT", () => shutdown("SIGINT"));
  });

  return { received: () => received, done };
}
