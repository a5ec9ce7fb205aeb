/**
 * The floor of the pipeline bench, run as its own process: subscribes to `<prefix>/q<N>/in` and republishes every
 * message unchanged to `<prefix>/q<N>/out` at the same QoS, through the hub's MQTT adapter.
 * Usage (the bench compiles it first): node relay.js <broker url> <topic prefix>
 */
import { silentLogger } from "../../src/logger.js";
import { MqttClient } from "../../src/mqtt/client.js";

const [url, prefix] = process.argv.slice(2);
if (url === undefined || prefix === undefined) {
  console.error("usage: relay.ts <broker url> <topic prefix>");
  process.exit(2);
}

const client = new MqttClient({ url, clientId: `bench-relay-${process.pid}`, logger: silentLogger() });
await client.waitConnected();
for (const qos of [0, 1] as const) {
  const output = `${prefix}/q${qos}/out`;
  await client.subscribe(`${prefix}/q${qos}/in`, (_topic, payload) => client.publish(output, payload, { qos }), qos);
}

const shutdown = () => {
  void client.close().finally(() => process.exit(0));
};
process.once("SIGTERM", shutdown);
process.once("SIGINT", shutdown);
// The bench holds the other end of stdin: when the bench dies without cleaning up, the relay goes too.
process.stdin.on("end", shutdown);
process.stdin.resume();
