import { EventEmitter } from "node:events";
import WebSocket from "ws";
import { type NodeStatus, StatusRecorder } from "./statusRecorder.js";

/**
 * Node statuses as the editor sees them: through the runtime's comms WebSocket, where each node's last status is
 * retained and sent on subscribe.
 */
export class EditorStatus {
  private readonly events = new EventEmitter();
  private readonly recorder = new StatusRecorder(this.events);

  private constructor(private readonly socket: WebSocket) {
    socket.on("message", (data) => this.forward(data.toString()));
  }

  /** Connects to the editor at `url` (the runtime's `start()` result) and subscribes to every node's status. */
  static async connect(url: string): Promise<EditorStatus> {
    const socket = new WebSocket(new URL("comms", url).href.replace(/^http/, "ws"));
    await new Promise<void>((resolve, reject) => {
      socket.once("open", resolve);
      socket.once("error", reject);
    });
    const status = new EditorStatus(socket);
    socket.send(JSON.stringify({ subscribe: "status/#" }));

    return status;
  }

  waitFor(id: string, matches: (status: NodeStatus) => boolean): Promise<NodeStatus> {
    return this.recorder.waitFor(id, matches);
  }

  close(): void {
    this.recorder.close();
    this.socket.close();
  }

  private forward(text: string): void {
    const messages = JSON.parse(text) as { topic?: string; data?: object }[] | object;
    for (const message of Array.isArray(messages) ? messages : []) {
      if (message.topic?.startsWith("status/")) {
        this.events.emit("node-status", { id: message.topic.slice("status/".length), status: message.data });
      }
    }
  }
}
