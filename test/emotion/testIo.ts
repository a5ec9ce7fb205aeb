import { PassThrough, Readable } from "node:stream";
import type { CommandIo } from "../../src/commands/classify.js";
import { silentLogger } from "../../src/logger.js";

/** Streams for calling a command's `run` in-process, with what it wrote collected as text. */
export function testIo(input = ""): CommandIo & { output(): string; errors(): string } {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const out: string[] = [];
  const err: string[] = [];
  stdout.on("data", (chunk: Buffer) => out.push(chunk.toString("utf8")));
  stderr.on("data", (chunk: Buffer) => err.push(chunk.toString("utf8")));

  return {
    stdin: Readable.from([input]),
    stdout,
    stderr,
    logger: silentLogger(),
    output: () => out.join(""),
    errors: () => err.join(""),
  };
}
