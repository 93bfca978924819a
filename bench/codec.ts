// The canonical codec on a transfer-sized object (specs/codec.md §5): encode, and decode with
// its full checks (type walk plus the re-encode comparison); and the hash of a wallet-body-like
// VM value (codec §8), which the wallet's HASH takes once per transfer.
import { decode, encode, hashOf, type Infer, t, type VmValue } from "../node/codec/index.ts";
import { type Benchmark, opsPerSecond } from "./harness.ts";

const Transfer = t.struct("Transfer", {
  from: t.bytes(32),
  to: t.bytes(32),
  amount: t.u64,
  seqno: t.u32,
  comment: t.optional(t.string(120)),
  tags: t.list(t.u8, 4),
});

const transfer: Infer<typeof Transfer> = {
  from: new Uint8Array(32).fill(0x11),
  to: new Uint8Array(32).fill(0x22),
  amount: 5_000_000_000n,
  seqno: 7,
  comment: "payment for invoice 2024-117, thank you!",
  tags: [1, 2, 3],
};
const bytes = encode(Transfer, transfer);

// signature, then [subwallet, validUntil, seqno, [[destination, amount, body, mode]]]
const walletBody: VmValue = [
  new Uint8Array(64).fill(0x5a),
  [698_983_191n, 1_700_000_000n, 42n, [[new Uint8Array(36).fill(0x22), 5_000_000_000n, null, 3n]]],
];

export const benchmarks: Benchmark[] = [
  {
    name: "codec.encode",
    run: () => ({
      value: opsPerSecond(() => encode(Transfer, transfer)),
      unit: "op/s",
      object: "Transfer",
      bytes: bytes.length,
    }),
  },
  {
    name: "codec.decode",
    run: () => ({
      value: opsPerSecond(() => decode(Transfer, bytes)),
      unit: "op/s",
      object: "Transfer",
      bytes: bytes.length,
    }),
  },
  {
    name: "codec.vm_value_hash",
    run: () => ({
      value: opsPerSecond(() => hashOf(t.vmValue, walletBody)),
      unit: "hash/s",
      object: "wallet body",
      bytes: encode(t.vmValue, walletBody).length,
    }),
  },
];
