// node/units: Grams as people type and read them, and nanograms as the ledger counts them, with
// exact conversions both ways so an amount typed is the amount sent.
export { UnitsError, type UnitsErrorCode } from "./errors.ts";
export { formatGrams, GRAM_DECIMALS, MAX_NANO, NANO_PER_GRAM, parseGrams } from "./grams.ts";
