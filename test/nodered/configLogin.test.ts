import { once } from "node:events";
import net from "node:net";
import aedes from "aedes";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { uniqueBase } from "./support/mqttPeer.js";
import { type NodeStatus, StatusRecorder } from "./support/statusRecorder.js";
import { emotionHubNodes, nodeRedTestHelper } from "./support/testHelper.js";

const helper = nodeRedTestHelper();
const nodes = emotionHubNodes("config", "mood");

/** A log-in attempt as the broker saw it. */
interface Attempt {
  clientId: string;
  username?: string;
}

/** A real broker that requires the log-in `hub` / `s3cret`, and tells the test about every attempt. */
async function startAuthenticatingBroker(onAttempt: (attempt: Attempt) => void) {
  const broker = aedes.createBroker({
    authenticate: (client, username, password, done) => {
      onAttempt({ clientId: client.id, username });
      done(null, username === "hub" && password?.toString() === "s3cret");
    },
  });
  const server = net.createServer((socket) => broker.handle(socket));
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as net.AddressInfo;

  return {
    port,
    async stop() {
      await new Promise<void>((resolve) => broker.close(() => resolve()));
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

describe("emotion-hub config node on a broker that requires a log-in", () => {
  let broker: Awaited<ReturnType<typeof startAuthenticatingBroker>>;
  let attempts: ((attempt: Attempt) => void)[] = [];
  let statuses: StatusRecorder;
  let base: string;

  const nextNodeRedAttempt = () =>
    new Promise<Attempt>((resolve) => {
      attempts.push((attempt) => attempt.clientId.startsWith("emotion-hub-nodered-") && resolve(attempt));
    });

  beforeAll(async () => {
    broker = await startAuthenticatingBroker((attempt) => {
      for (const listener of attempts) {
        listener(attempt);
      }
    });
    await helper.startServer();
  });

  afterAll(async () => {
    await helper.stopServer();
    await broker.stop();
  });

  beforeEach(() => {
    base = uniqueBase();
    attempts = [];
    statuses = new StatusRecorder(helper._events);
  });

  afterEach(async () => {
    statuses.close();
    await helper.unload();
  });

  async function load(configBroker: string): Promise<void> {
    const url = `mqtt://127.0.0.1:${broker.port}`;
    helper.settings({ emotionHub: { mqttUrl: url, baseTopic: base, username: "hub", password: "s3cret" } });
    await helper.load(nodes, [
      { id: "tab", type: "tab", label: "test" },
      { id: "hub", type: "emotion-hub-config", broker: configBroker, baseTopic: "" },
      { id: "mood", type: "emotion-hub-mood", z: "tab", hub: "hub", room: "", wires: [[]] },
    ]);
  }

  it("logs in with the embedded hub's credentials when its own are empty", async () => {
    const attempt = nextNodeRedAttempt();
    await load("");

    expect((await attempt).username).toBe("hub");
    await statuses.waitFor("mood", (status: NodeStatus) => status.text?.startsWith("listening") === true);
  });

  it("never sends the hub's credentials to a broker the node names itself", async () => {
    const attempt = nextNodeRedAttempt();
    // The same broker under another URL: to the node it is someone else's broker.
    await load(`mqtt://127.0.0.1:${broker.port}/`);

    expect((await attempt).username).toBeUndefined();
  });
});
