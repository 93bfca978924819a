// The standard wallet as the node and the CLI see it (contracts §2, ledger §2.2): its state init
// and address from a public key and subwallet id, and the signed external message of a transfer.
// Genesis, the CLI and the tests all build wallets here, so they agree on every address.
import {
  type InitAction,
  type OutMessage,
  SEND_MODE,
  type Value,
  walletCode,
  walletStorage,
  walletTransferBody,
} from "../../vm/index.ts";
import { equalBytes, toHex } from "../bytes/index.ts";
import { encode, t } from "../codec/index.ts";
import { type KeyPair, sign } from "../crypto/index.ts";
import { stateInitFromVm, toVmAddress } from "../execution/index.ts";
import { accountId, type LedgerAddress, type Message, type StateInit } from "../ledger/index.ts";
import { codeError } from "../system/index.ts";
import { vmHost } from "../vmhost/index.ts";

/** The state init of the standard wallet of `publicKey` with `subwalletId` and seqno 0. */
export function walletStateInit(publicKey: Uint8Array, subwalletId: bigint): StateInit {
  return stateInitFromVm({ code: walletCode.image, data: walletStorage({ publicKey, subwalletId }) });
}

export function walletAddress(publicKey: Uint8Array, subwalletId: bigint, workchain = 0n): LedgerAddress {
  return { workchain, id: accountId(walletStateInit(publicKey, subwalletId)) };
}

/** One payment of a transfer: value in nanograms to an address, with an optional body. */
export interface Payment {
  to: LedgerAddress;
  valueNano: bigint;
  /** Send mode (vm §4.11); default: pay fees separately. */
  mode?: number;
  body?: Value;
  /** Ask the destination to return the value when it fails (ledger §6.6). */
  bounce?: boolean;
  /** Deploy the destination, whose address must be this init's (ledger §6.5, `deployAddress`). */
  init?: InitAction;
}

/** The address a contract deployed from `init` gets (ledger §2.2): the hash of its StateInit. */
export function deployAddress(init: InitAction, workchain = 0n): LedgerAddress {
  return { workchain, id: accountId(stateInitFromVm(init)) };
}

export interface TransferOrder {
  key: KeyPair;
  subwalletId: bigint;
  seqno: bigint;
  /** Unix seconds after which the wallet refuses the message. */
  validUntil: bigint;
  payments: readonly Payment[];
  /** Deploy the wallet with this message (its first one). */
  deploy?: boolean;
  workchain?: bigint;
}

/** A text comment as a message body (contracts §2.5): the UTF-8 bytes as a Bytes value. */
export function commentBody(text: string): Value {
  return new TextEncoder().encode(text);
}

/** The signed external message that makes the wallet send `payments`. */
export function transferMessage(order: TransferOrder): Message {
  for (const [i, p] of order.payments.entries()) {
    if (p.init === undefined) continue;
    // Signing an order the action phase would refuse (BAD_CODE, BAD_INIT) costs the wallet its gas.
    const why = codeError(p.init.code);
    if (why !== null) throw new RangeError(`payments[${i}].init.code: does not load: ${why}`);
    const expected = deployAddress(p.init, p.to.workchain);
    if (!equalBytes(expected.id, p.to.id))
      throw new RangeError(`payments[${i}].to: is not the address of its init (${toHex(expected.id)})`);
  }
  const messages: OutMessage[] = order.payments.map((p) => ({
    dest: toVmAddress(p.to),
    valueNano: p.valueNano,
    body: p.body ?? null,
    mode: (p.mode ?? SEND_MODE.PAY_FEES_SEPARATELY) | (p.bounce === false ? SEND_MODE.NON_BOUNCEABLE : 0),
    ...(p.init === undefined ? {} : { init: p.init }),
  }));
  const signer = { hashValue: vmHost.hashValue, sign: (h: Uint8Array) => sign(h, order.key.secretKey) };
  const body = walletTransferBody(
    { subwalletId: order.subwalletId, validUntil: order.validUntil, seqno: order.seqno, messages },
    signer,
  );
  const init = walletStateInit(order.key.publicKey, order.subwalletId);
  return {
    kind: "externalIn",
    dest: { workchain: order.workchain ?? 0n, id: accountId(init) },
    body: encode(t.vmValue, body),
    init: order.deploy ? init : null,
  };
}
