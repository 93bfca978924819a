// A free TCP port on loopback for a node to listen on: the OS picks one, and it is released
// before the node binds it, so tests and benchmarks never collide on a fixed number.
import { createServer } from "node:net";

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}
