// node/mnemonic: 24-word phrases compatible with TON wallets — the same phrase gives the same
// ed25519 key here and in TON tools. Rules in specs/mnemonic.md.
export { type MnemonicKeyPair, mnemonicToKeyPair, mnemonicToSeed } from "./derive.ts";
export { MnemonicError, type MnemonicErrorCode } from "./errors.ts";
export { type GenerateMnemonicOptions, generateMnemonic } from "./generate.ts";
export { isValidMnemonic, MNEMONIC_WORD_COUNT, parseMnemonic, validateMnemonic } from "./phrase.ts";
