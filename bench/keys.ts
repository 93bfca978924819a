// address.*: parses and formats per second of the friendly and raw forms. mnemonic.*: milliseconds
// per key derivation (100 000 PBKDF2 rounds by TON's design) and per new phrase (~256 draws).
import { formatFriendly, formatRaw, parseAddress } from "../node/address/index.ts";
import { generateMnemonic, mnemonicToKeyPair } from "../node/mnemonic/index.ts";
import { type Benchmark, opsPerSecond } from "./harness.ts";

const address = { workchain: 0, hash: new Uint8Array(32).map((_, i) => i * 7) };
const friendly = formatFriendly(address, { bounceable: true, testnet: false });
const raw = formatRaw(address);
const phrase = generateMnemonic();

/** Mean milliseconds per call over `calls` calls: these take ~100 ms, too slow for opsPerSecond. */
function msPerCall(fn: () => unknown, calls: number): number {
  fn();
  const start = performance.now();
  for (let i = 0; i < calls; i++) fn();
  return Math.round(((performance.now() - start) / calls) * 10) / 10;
}

export const benchmarks: Benchmark[] = [
  {
    name: "address.parse_friendly",
    run: () => ({ value: opsPerSecond(() => parseAddress(friendly)), unit: "ops/s" }),
  },
  { name: "address.parse_raw", run: () => ({ value: opsPerSecond(() => parseAddress(raw)), unit: "ops/s" }) },
  {
    name: "address.format_friendly",
    run: () => ({
      value: opsPerSecond(() => formatFriendly(address, { bounceable: true, testnet: false })),
      unit: "ops/s",
    }),
  },
  {
    name: "mnemonic.to_key_pair",
    run: () => ({ value: msPerCall(() => mnemonicToKeyPair(phrase), 20), unit: "ms", calls: 20 }),
  },
  {
    name: "mnemonic.generate",
    run: () => ({ value: msPerCall(() => generateMnemonic(), 50), unit: "ms", calls: 50 }),
  },
];
