import { join } from "node:path";
import type { Qos, Subject, SubjectContext } from "./subject.js";
import { transpileTree } from "./transpile.js";

const PREFIX = "bench/relay";

/** Starts the bare relay (bench/pipeline/relay.ts, compiled to JavaScript) in its own Node process. */
export async function startRelay(context: SubjectContext): Promise<Subject> {
  const script = transpileTree(join(context.root, "bench", "pipeline", "relay.ts"), context.root, context.dir);
  const args = [script, context.brokerUrl, PREFIX];
  const relay = context.processes.start("relay", process.execPath, args, { cwd: context.dir });

  return {
    name: "relay",
    pid: relay.pid,
    route: (qos: Qos) => ({ input: `${PREFIX}/q${qos}/in`, output: `${PREFIX}/q${qos}/out` }),
    note: () => undefined,
    alive: () => relay.running,
    tail: () => relay.tail(),
    stop: () => relay.stop(),
  };
}
