// The system contracts' fixed addresses (staking §1.1), TON's: -1:5555… is the config contract and
// -1:3333… the elector. An account id is otherwise the hash of its initial state (ledger §2), so
// no one can deploy an account at these: genesis creates them. The zero address is the chain
// itself, the sender of each masterchain block's tick (staking §5.1); no account can have it.
import { equalBytes } from "../bytes/index.ts";
import type { LedgerAddress } from "../ledger/index.ts";

const fixed = (byte: number): LedgerAddress => ({ workchain: -1n, id: new Uint8Array(32).fill(byte) });

export const CONFIG_ADDRESS: LedgerAddress = fixed(0x55);
export const ELECTOR_ADDRESS: LedgerAddress = fixed(0x33);
export const CHAIN_ADDRESS: LedgerAddress = fixed(0x00);

const same = (a: LedgerAddress, b: LedgerAddress) => a.workchain === b.workchain && equalBytes(a.id, b.id);

/**
 * The accounts that pay neither rent nor gas (staking §1.2): the chain's own work. Their
 * balances are stakes and rewards, which neither may eat into.
 */
export function isSystemAccount(a: LedgerAddress): boolean {
  return a.workchain === -1n && (same(a, CONFIG_ADDRESS) || same(a, ELECTOR_ADDRESS));
}

export { same as sameAddress };
