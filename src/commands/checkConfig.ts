import { parseArgs } from "node:util";
import { loadConfig } from "../config/load.js";

export const summary = "validate the configuration and list every problem";

/** Exit code for an invalid configuration. */
export const CONFIG_INVALID = 2;

export async function run(argv: string[]): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { config: { type: "string", short: "c" } } });
  const result = loadConfig({ file: values.config });
  if (!result.ok) {
    console.error(`invalid configuration:\n${result.problems.map((p) => `  ${p}`).join("\n")}`);
    return CONFIG_INVALID;
  }
  const rooms = Object.keys(result.config.rooms).join(", ");
  process.stdout.write(`configuration is valid (${result.file ?? "embedded defaults"}); rooms: ${rooms}\n`);

  return 0;
}
