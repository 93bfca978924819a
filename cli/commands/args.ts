// Parsers of option and argument values. They throw commander's InvalidArgumentError, so a bad
// value is a usage error (exit 2) reported before any work is done.
import { InvalidArgumentError } from "commander";
import { isWalletName } from "../keystore/index.ts";

const MAX_SUBWALLET_ID = 2n ** 32n - 1n;

export function parseSubwalletId(text: string): bigint {
  if (!/^(0|[1-9][0-9]{0,9})$/.test(text) || BigInt(text) > MAX_SUBWALLET_ID) {
    throw new InvalidArgumentError("a subwallet id is an integer in 0..4294967295");
  }
  return BigInt(text);
}

export function parseWorkchain(text: string): number {
  if (!/^(0|-?[1-9][0-9]{0,2})$/.test(text) || Number(text) < -128 || Number(text) > 127) {
    throw new InvalidArgumentError(
      "a workchain is an integer in -128..127 (0 is the basechain, -1 the masterchain)",
    );
  }
  return Number(text);
}

export function parseWalletName(text: string): string {
  if (!isWalletName(text)) {
    throw new InvalidArgumentError("a wallet name is 1 to 64 letters, digits, '_' or '-'");
  }
  return text;
}

export function parseRpcUrl(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new InvalidArgumentError("not a URL (for example http://127.0.0.1:8645)");
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new InvalidArgumentError("the node's RPC is an http:// or https:// URL");
  }
  return text;
}

/** A whole number in min..max, written plainly (no sign, exponent or leading zeros). */
function wholeIn(text: string, min: number, max: number, what: string): number {
  if (!/^(0|[1-9][0-9]{0,15})$/.test(text) || Number(text) < min || Number(text) > max)
    throw new InvalidArgumentError(`${what} is a whole number in ${min}..${max}`);
  return Number(text);
}

/** Option parsers for whole numbers in a range: `--lines`, `--validators` and the like. */
export const wholeNumber =
  (min: number, max: number, what: string) =>
  (text: string): number =>
    wholeIn(text, min, max, what);

/** A block's seqno: any number a JSON reader holds exactly. */
export function parseSeqno(text: string): number {
  return wholeIn(text, 0, Number.MAX_SAFE_INTEGER, "a seqno");
}
