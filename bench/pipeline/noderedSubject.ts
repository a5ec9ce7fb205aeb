import { copyFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { freePort } from "./ports.js";
import type { Qos, Subject, SubjectContext } from "./subject.js";

const PREFIX = "bench/nodered";

/** Settings that keep Node-RED headless and quiet: no editor, no telemetry, warnings only. */
function settings(port: number): object {
  return {
    uiHost: "127.0.0.1",
    uiPort: port,
    flowFile: "flows.json",
    credentialSecret: false,
    httpAdminRoot: false,
    diagnostics: { enabled: false, ui: false },
    telemetry: { enabled: false, updateNotification: false },
    externalModules: { autoInstall: false, palette: { allowInstall: false }, modules: { allowInstall: false } },
    logging: { console: { level: "warn", metrics: false, audit: false } },
  };
}

/**
 * Starts the node-red@4 CLI from node_modules on the flow in bench/pipeline/nodered/flows.json: mqtt in (JSON) →
 * sentiment on payload.text → change (payload.score = sentiment.score) → mqtt out. node-red-node-sentiment is
 * found because Node-RED searches the node_modules folders above its own install.
 */
export async function startNodeRed(context: SubjectContext): Promise<Subject> {
  const userDir = context.dir;
  copyFileSync(join(context.root, "bench", "pipeline", "nodered", "flows.json"), join(userDir, "flows.json"));
  const settingsFile = join(userDir, "settings.js");
  writeFileSync(settingsFile, `module.exports = ${JSON.stringify(settings(await freePort()), null, 2)};\n`);
  const red = join(context.root, "node_modules", "node-red", "red.js");
  const env = { ...process.env, BENCH_MQTT_PORT: String(context.brokerPort) };
  const nodered = context.processes.start("node-red", process.execPath, [red, "-u", userDir, "-s", settingsFile], {
    cwd: userDir,
    env,
  });

  return {
    name: "nodered",
    pid: nodered.pid,
    route: (qos: Qos) => ({ input: `${PREFIX}/q${qos}/in`, output: `${PREFIX}/q${qos}/out` }),
    note: () => undefined,
    alive: () => nodered.running,
    tail: () => nodered.tail(),
    stop: () => nodered.stop(),
  };
}
