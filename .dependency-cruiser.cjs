/** The import rules of the architecture (ARCHITECTURE.md); `npm test` fails when one is broken. */
module.exports = {
  forbidden: [
    {
      name: "vm-imports-nothing-of-node",
      comment: "vm/ is handed codec and crypto through interfaces; it never imports node/.",
      severity: "error",
      from: { path: "^vm/" },
      to: { path: "^node/" },
    },
    {
      name: "libp2p-only-in-p2p",
      comment: "Only node/p2p talks to libp2p; everything else sees its small interface.",
      severity: "error",
      from: { pathNot: "^node/p2p/" },
      to: { path: "node_modules/(libp2p|@libp2p|@chainsafe)/" },
    },
    {
      name: "level-only-in-store",
      comment: "Only node/store touches level; the rest sees the KvStore interface.",
      severity: "error",
      from: { pathNot: "^node/store/" },
      to: { path: "node_modules/(level|classic-level|abstract-level|memory-level)/" },
    },
    {
      name: "sodium-only-in-crypto",
      comment: "Only node/crypto calls libsodium; the rest verifies through its pinned rule.",
      severity: "error",
      from: { pathNot: "^node/crypto/" },
      to: { path: "node_modules/sodium-native/" },
    },
    {
      name: "commander-only-in-cli",
      severity: "error",
      from: { pathNot: "^cli/" },
      to: { path: "node_modules/commander/" },
    },
    {
      name: "node-does-not-import-cli-or-testnet",
      severity: "error",
      from: { path: "^node/" },
      to: { path: "^(cli|testnet)/" },
    },
    {
      name: "cli-uses-node-only-through-public-modules",
      comment: "cli/ talks to a node over RPC; it may reuse node/ modules only through their index.ts.",
      severity: "error",
      from: { path: "^cli/" },
      to: { path: "^node/[^/]+/(?!index\\.ts$)" },
    },
    {
      name: "rpcclient-carries-none-of-the-server",
      comment:
        "node/rpcclient is for the CLI: it speaks the JSON-RPC wire only, without node/rpc, pino or prom-client (its tests may start a node/rpc server).",
      severity: "error",
      from: { path: "^node/rpcclient/", pathNot: "\\.test\\.ts$" },
      to: { path: ["^node/rpc/", "node_modules/(pino|prom-client)/"] },
    },
    {
      name: "no-circular",
      severity: "error",
      from: {},
      to: { circular: true },
    },
    {
      name: "not-to-unresolvable",
      severity: "error",
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    enhancedResolveOptions: {
      exportsFields: ["exports"],
      conditionNames: ["import", "require", "node", "default"],
    },
  },
};
