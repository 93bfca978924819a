// A stand-in for `gram node start` in up.test.ts, run as its own process: it answers getChainInfo
// on the RPC address in its data directory's node.json, one masterchain block further each time it
// is asked, so the supervisor's whole life can be tested in a second, without a chain. It answers
// getConfig only when the test wrote the validator set in force (a list of hex public keys) in
// fake-validators.json in its data directory, and with "method not found" otherwise.
import { existsSync, readFileSync } from "node:fs";
import { createServer } from "node:http";
import { join } from "node:path";

const dataDir = process.argv[2];
const { rpc } = JSON.parse(readFileSync(join(dataDir, "node.json"), "utf8")) as {
  rpc: { host: string; port: number };
};
const IN_FORCE_FILE = "fake-validators.json";

let seqno = 0;
const server = createServer((req, res) => {
  let body = "";
  req.on("data", (d) => {
    body += d;
  });
  req.on("end", () => {
    const { id, method } = JSON.parse(body) as { id: number; method: string };
    res.setHeader("content-type", "application/json");
    if (method === "getConfig") {
      const file = join(dataDir, IN_FORCE_FILE);
      if (!existsSync(file)) {
        res.end(JSON.stringify({ jsonrpc: "2.0", id, error: { code: -32601, message: "Method not found" } }));
        return;
      }
      const keys = JSON.parse(readFileSync(file, "utf8")) as string[];
      const result = { validators: keys.map((publicKey) => ({ publicKey, stake: "1" })) };
      res.end(JSON.stringify({ jsonrpc: "2.0", id, result }));
      return;
    }
    const result = {
      network: "gram-local",
      masterchain: { seqno: seqno++, hash: "00", time: 0 },
      basechain: { seqno: 0, hash: "00" },
      pendingMessages: 0,
    };
    res.end(JSON.stringify({ jsonrpc: "2.0", id, result }));
  });
});
server.listen(rpc.port, rpc.host, () => console.log(JSON.stringify({ msg: "fake node listening", dataDir })));
process.on("SIGTERM", () => process.exit(0));
