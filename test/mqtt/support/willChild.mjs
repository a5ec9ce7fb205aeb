// Run by test/mqtt/client.test.ts as `node willChild.mjs <broker url> <status topic>`; uses the built adapter.
import { silentLogger } from "../../../dist/logger.js";
import { MqttClient } from "../../../dist/mqtt/client.js";

const [url, status] = process.argv.slice(2);
const client = new MqttClient({
  url,
  will: { topic: status, payload: "offline", retain: true },
  logger: silentLogger(),
});
await client.waitConnected();
await client.publish(status, "online", { retain: true, qos: 1 });
process.stdout.write("online\n");
