#!/usr/bin/env node
/**
 * The `emotion-hub` command line. Each command lives in `commands/<name>.ts` and exports `run(argv)`, which
 * resolves to the process exit code.
 */

type Command = { run(argv: string[]): Promise<number>; summary: string };

const commands: Record<string, () => Promise<Command>> = {
  start: () => import("./commands/start.js"),
  "check-config": () => import("./commands/checkConfig.js"),
  classify: () => import("./commands/classify.js"),
  eval: () => import("./commands/eval.js"),
};

async function usage(): Promise<string> {
  const lines = ["usage: emotion-hub <command> [options]", "", "commands:"];
  for (const [name, load] of Object.entries(commands)) {
    lines.push(`  ${name.padEnd(14)}${(await load()).summary}`);
  }

  return lines.join("\n");
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === "help" || name === "--help" || name === "-h") {
    console.error(await usage());
    return name === undefined ? 1 : 0;
  }
  const load = commands[name];
  if (load === undefined) {
    console.error(`unknown command '${name}'\n\n${await usage()}`);
    return 1;
  }

  return (await load()).run(rest);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : String(error));
    process.exitCode = 1;
  },
);
