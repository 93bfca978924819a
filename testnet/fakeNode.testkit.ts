// A stand-in for `gram node start` in up.test.ts, run as its own process: it answers getChainInfo
// on the RPC address in its data directory's node.json, one masterchain block further each time it
// is asked, so the supervisor's whole life can be tested in a second, without a chain.
import { readFileSync } from "node:fs";
import { createServer } from "node:http";
import { join } from "node:path";

const dataDir = process.argv[2];
const { rpc } = JSON.parse(readFileSync(join(dataDir, "node.json"), "utf8")) as {
  rpc: { host: string; port: number };
};
let seqno = 0;
const server = createServer((req, res) => {
  let body = "";
  req.on("data", (d) => {
    body += d;
  });
  req.on("end", () => {
    const { id } = JSON.parse(body) as { id: number };
    const result = {
      network: "gram-local",
      masterchain: { seqno: seqno++, hash: "00", time: 0 },
      basechain: { seqno: 0, hash: "00" },
      pendingMessages: 0,
    };
    res.setHeader("content-type", "application/json");
    res.end(JSON.stringify({ jsonrpc: "2.0", id, result }));
  });
});
server.listen(rpc.port, rpc.host, () => console.log(JSON.stringify({ msg: "fake node listening", dataDir })));
process.on("SIGTERM", () => process.exit(0));
