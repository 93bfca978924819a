// A state init in the VM's form (SENDINIT, vm §4.11: code and `[key, value]` entries) as the
// ledger's StateInit (ledger §2.2: values as their canonical encodings, entries sorted by the
// encoding of their keys). The wallet, the CLI and the action phase all build inits here, so an
// address computed before sending is the one the action phase checks.
import type { InitAction } from "../../vm/index.ts";
import { compareBytes } from "../bytes/index.ts";
import { encode, t } from "../codec/index.ts";
import { MAX_STORAGE_KEY_BYTES, type StateInit } from "../ledger/index.ts";

const KEY = t.varBytes(MAX_STORAGE_KEY_BYTES);

/** The ledger's StateInit of `init`; throws RangeError on a key that repeats or is out of range. */
export function stateInitFromVm(init: InitAction): StateInit {
  const entries = init.data.map((e) => {
    if (e.key.length < 1 || e.key.length > MAX_STORAGE_KEY_BYTES)
      throw new RangeError(`init key of ${e.key.length} bytes: expected 1..${MAX_STORAGE_KEY_BYTES}`);
    return {
      sortKey: encode(KEY, e.key),
      entry: [e.key, encode(t.vmValue, e.value)] as [Uint8Array, Uint8Array],
    };
  });
  entries.sort((a, b) => compareBytes(a.sortKey, b.sortKey));
  for (let i = 1; i < entries.length; i++)
    if (compareBytes(entries[i - 1].sortKey, entries[i].sortKey) === 0)
      throw new RangeError("init key given twice");
  return { code: init.code, data: entries.map((e) => e.entry) };
}
