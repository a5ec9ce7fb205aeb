import type { EventEmitter } from "node:events";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);

/** A node from a loaded flow, as tests drive it. */
export interface NodeLike {
  on(event: "input", listener: (msg: Record<string, unknown>) => void): void;
  receive(msg: object): void;
}

/** The parts of node-red-node-test-helper these tests use (it ships no types). */
export interface TestHelper {
  init(runtimePath: string, settings?: object): void;
  settings(settings: object): object;
  startServer(): Promise<void>;
  stopServer(): Promise<void>;
  load(nodes: unknown[], flow: object[], credentials?: object): Promise<void>;
  unload(): Promise<void>;
  getNode(id: string): NodeLike;
  _events: EventEmitter;
}

/** The test helper, started on the project's own node-red. */
export function nodeRedTestHelper(): TestHelper {
  const helper = require("node-red-node-test-helper") as TestHelper;
  helper.init(require.resolve("node-red"));

  return helper;
}

/** emotion-hub node modules by short name (`config`, `mood`, ...), as the test helper loads them. */
export function emotionHubNodes(...names: string[]): unknown[] {
  return names.map((name) => require(`../../../src/nodered/nodes/emotion-hub-${name}.js`));
}
