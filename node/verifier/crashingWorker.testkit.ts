// A verification worker that dies on its first batch, for the pool's crash tests.
import { parentPort } from "node:worker_threads";

parentPort?.on("message", () => process.exit(3));
