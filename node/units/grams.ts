// Grams as people write them and nanograms as the ledger counts them (1 Gram = 10^9 nano). Exact
// decimal text both ways, never a float: an amount typed is the amount sent, to the last nano.
import { quote, UnitsError } from "./errors.ts";

export const NANO_PER_GRAM = 1_000_000_000n;
export const GRAM_DECIMALS = 9;
/** The largest amount a message can carry: the ledger's values are u64 nanograms. */
export const MAX_NANO = (1n << 64n) - 1n;

// Digits, then optionally a point and 1..9 more digits; nothing else (no sign, exponent, space,
// comma or bare point). Leading zeros are harmless and allowed.
const AMOUNT = /^([0-9]+)(?:\.([0-9]+))?$/;
// Text longer than this is refused before it is looked at (2^64-1 nano has 11 integer digits).
const MAX_TEXT = 256;

const example = "like 12, 1.5 or 0.000000001";

export function parseGrams(text: string): bigint {
  if (typeof text !== "string") throw new TypeError(`parseGrams: text must be a string, got ${typeof text}`);
  if (text === "")
    throw new UnitsError("UNITS_BAD_AMOUNT", `the amount is empty; write a number of Grams ${example}`);
  const match = text.length <= MAX_TEXT ? AMOUNT.exec(text) : null;
  if (match === null) throw new UnitsError("UNITS_BAD_AMOUNT", badAmountMessage(text));
  const [, whole, fraction = ""] = match;
  if (fraction.length > GRAM_DECIMALS) {
    throw new UnitsError(
      "UNITS_TOO_PRECISE",
      `amount ${quote(text)} has ${fraction.length} decimals; a Gram has ${GRAM_DECIMALS} (1 nanogram = 0.000000001)`,
    );
  }
  const nano = BigInt(whole) * NANO_PER_GRAM + BigInt(fraction.padEnd(GRAM_DECIMALS, "0"));
  if (nano > MAX_NANO) {
    throw new UnitsError(
      "UNITS_TOO_LARGE",
      `amount ${quote(text)} is above the largest a message can carry, ${formatGrams(MAX_NANO)} Grams`,
    );
  }
  return nano;
}

/** Says what is wrong in the terms a person would fix it in. */
function badAmountMessage(text: string): string {
  const q = quote(text);
  if (text.length > MAX_TEXT) return `amount ${q} is too long to be a number of Grams`;
  if (/^[+-]/.test(text)) return `amount ${q} has a sign; write the number of Grams alone, ${example}`;
  if (/\s/.test(text)) return `amount ${q} contains a space; write it without, ${example}`;
  if (text.includes(","))
    return `amount ${q} contains a comma; use a point for decimals and no separators, ${example}`;
  if (/[eE]/.test(text) && /[0-9]/.test(text)) {
    return `amount ${q} uses an exponent; write every digit, ${example}`;
  }
  return `amount ${q} is not a number of Grams; write one ${example}`;
}

/** Exact decimal Grams: no trailing zeros, no point for whole amounts ("1.5", "12", "0.000000001"). */
export function formatGrams(nano: bigint): string {
  if (typeof nano !== "bigint") throw new TypeError(`formatGrams: nano must be a bigint, got ${typeof nano}`);
  if (nano < 0n) throw new RangeError(`formatGrams: nano must not be negative, got ${nano}`);
  const whole = nano / NANO_PER_GRAM;
  const fraction = (nano % NANO_PER_GRAM).toString().padStart(GRAM_DECIMALS, "0").replace(/0+$/, "");
  return fraction === "" ? whole.toString() : `${whole}.${fraction}`;
}
