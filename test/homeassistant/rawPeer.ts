import { WebSocket } from "ws";

export type Frame = Record<string, unknown> & { id?: unknown; type?: unknown };

/** A bare WebSocket peer that sends exactly what a test says and hands back every frame in order. */
export class RawPeer {
  private readonly frames: Frame[] = [];
  private readonly waiters: ((frame: Frame) => void)[] = [];
  readonly closed: Promise<number>;

  private constructor(private readonly socket: WebSocket) {
    socket.on("message", (data) => this.push(JSON.parse(data.toString()) as Frame));
    this.closed = new Promise((resolve) => socket.once("close", (code) => resolve(code)));
  }

  static async open(url: string): Promise<RawPeer> {
    const socket = new WebSocket(url);
    const peer = new RawPeer(socket);
    await new Promise<void>((resolve, reject) => {
      socket.once("open", () => resolve());
      socket.once("error", reject);
    });

    return peer;
  }

  /** Opens a connection and completes the handshake with `token`. */
  static async authenticated(url: string, token: string): Promise<RawPeer> {
    const peer = await RawPeer.open(url);
    await peer.next();
    peer.send({ type: "auth", access_token: token });
    await peer.next();

    return peer;
  }

  send(message: unknown): void {
    this.socket.send(typeof message === "string" ? message : JSON.stringify(message));
  }

  /** The next frame, waiting for it if needed. */
  next(): Promise<Frame> {
    const frame = this.frames.shift();
    if (frame !== undefined) {
      return Promise.resolve(frame);
    }

    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Sends a command and returns every frame up to and including its result. */
  async exchange(message: Frame): Promise<Frame[]> {
    this.send(message);
    const frames: Frame[] = [];
    for (;;) {
      const frame = await this.next();
      frames.push(frame);
      if (frame.id === message.id && frame.type !== "event") {
        return frames;
      }
    }
  }

  close(): void {
    this.socket.terminate();
  }

  private push(frame: Frame): void {
    const waiter = this.waiters.shift();
    if (waiter === undefined) {
      this.frames.push(frame);
    } else {
      waiter(frame);
    }
  }
}
