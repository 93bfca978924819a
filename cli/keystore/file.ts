// The wallet file, `keystore/NAME.json` (README, "Wallets and addresses"): its fields, the strict
// check every read makes, and the associated data that binds its public fields to the ciphertext.
import { KeystoreError } from "./errors.ts";
import { isWalletName } from "./names.ts";
import { IV_BYTES, SALT_BYTES, type ScryptCost, scryptCostRefusal, TAG_BYTES } from "./seal.ts";

export const KEYSTORE_VERSION = 1;
/** A wallet file is well under 2 KiB; anything past this is not one. */
export const MAX_FILE_BYTES = 64 * 1024;
const MAX_CIPHERTEXT_BYTES = 4096;
export const MAX_SUBWALLET_ID = 2 ** 32 - 1;

export interface KeystoreCrypto extends ScryptCost {
  kdf: "scrypt";
  salt: string;
  cipher: "aes-256-gcm";
  iv: string;
  ciphertext: string;
  tag: string;
}

export interface KeystoreFile {
  version: typeof KEYSTORE_VERSION;
  name: string;
  /** Raw form, "0:hex". */
  address: string;
  publicKey: string;
  subwalletId: number;
  workchain: number;
  crypto: KeystoreCrypto;
}

const TOP_KEYS = ["version", "name", "address", "publicKey", "subwalletId", "workchain", "crypto"];
const CRYPTO_KEYS = ["kdf", "n", "r", "p", "salt", "cipher", "iv", "ciphertext", "tag"];
const RAW_ADDRESS = /^(0|-?[1-9][0-9]{0,2}):[0-9a-f]{64}$/;

const hexOf = (bytes: number) => new RegExp(`^[0-9a-f]{${2 * bytes}}$`);
const isHexUpTo = (text: unknown, max: number): boolean =>
  typeof text === "string" && text.length > 0 && text.length <= 2 * max && /^([0-9a-f]{2})+$/.test(text);

/** Every public field, in a fixed order: what AES-GCM authenticates beside the phrase. */
export function associatedData(file: KeystoreFile): Uint8Array {
  const c = file.crypto;
  const fields = [
    "gram keystore",
    file.version,
    file.name,
    file.address,
    file.publicKey,
    file.subwalletId,
    file.workchain,
    c.kdf,
    c.n,
    c.r,
    c.p,
    c.salt,
    c.cipher,
    c.iv,
  ];
  return new TextEncoder().encode(JSON.stringify(fields));
}

export function serializeKeystoreFile(file: KeystoreFile): string {
  const { version, name, address, publicKey, subwalletId, workchain, crypto: c } = file;
  const ordered = {
    version,
    name,
    address,
    publicKey,
    subwalletId,
    workchain,
    crypto: {
      kdf: c.kdf,
      n: c.n,
      r: c.r,
      p: c.p,
      salt: c.salt,
      cipher: c.cipher,
      iv: c.iv,
      ciphertext: c.ciphertext,
      tag: c.tag,
    },
  };
  return `${JSON.stringify(ordered, null, 2)}\n`;
}

/** Reads the file of wallet `name`; anything that is not exactly a version-1 wallet file is CORRUPT. */
export function parseKeystoreFile(text: string, name: string): KeystoreFile {
  const corrupt = (why: string) =>
    new KeystoreError("KEYSTORE_CORRUPT", `the file of wallet ${name} is damaged: ${why}`);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw corrupt("it is not JSON");
  }
  if (!isObject(value)) throw corrupt("it is not a JSON object");
  const f = value;
  const extra = Object.keys(f).find((k) => !TOP_KEYS.includes(k));
  if (extra !== undefined) throw corrupt(`unknown field "${extra.slice(0, 40)}"`);
  if (f.version !== KEYSTORE_VERSION)
    throw corrupt(`version ${String(f.version)} is not ${KEYSTORE_VERSION}`);
  if (typeof f.name !== "string" || !isWalletName(f.name)) throw corrupt("its name is not a wallet name");
  if (f.name !== name) throw corrupt(`it names wallet "${f.name}"`);
  if (typeof f.address !== "string" || !RAW_ADDRESS.test(f.address))
    throw corrupt("its address is not raw hex");
  if (typeof f.publicKey !== "string" || !hexOf(32).test(f.publicKey))
    throw corrupt("its public key is not 32 bytes of hex");
  if (!isIntIn(f.subwalletId, 0, MAX_SUBWALLET_ID)) throw corrupt("its subwalletId is not in 0..2^32-1");
  if (!isIntIn(f.workchain, -128, 127) || f.address.split(":")[0] !== String(f.workchain)) {
    throw corrupt("its workchain does not match its address");
  }
  const c = f.crypto;
  if (!isObject(c)) throw corrupt("crypto is not an object");
  const extraCrypto = Object.keys(c).find((k) => !CRYPTO_KEYS.includes(k));
  if (extraCrypto !== undefined) throw corrupt(`unknown field "crypto.${extraCrypto.slice(0, 40)}"`);
  if (c.kdf !== "scrypt") throw corrupt("crypto.kdf is not scrypt");
  if (c.cipher !== "aes-256-gcm") throw corrupt("crypto.cipher is not aes-256-gcm");
  const refusal = scryptCostRefusal({ n: c.n, r: c.r, p: c.p } as ScryptCost);
  if (refusal !== undefined) throw corrupt(refusal);
  if (typeof c.salt !== "string" || !hexOf(SALT_BYTES).test(c.salt))
    throw corrupt(`crypto.salt is not ${SALT_BYTES} bytes of hex`);
  if (typeof c.iv !== "string" || !hexOf(IV_BYTES).test(c.iv))
    throw corrupt(`crypto.iv is not ${IV_BYTES} bytes of hex`);
  if (!isHexUpTo(c.ciphertext, MAX_CIPHERTEXT_BYTES))
    throw corrupt("crypto.ciphertext is not hex of a phrase");
  if (typeof c.tag !== "string" || !hexOf(TAG_BYTES).test(c.tag))
    throw corrupt(`crypto.tag is not ${TAG_BYTES} bytes of hex`);
  return value as unknown as KeystoreFile;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function isIntIn(v: unknown, min: number, max: number): v is number {
  return typeof v === "number" && Number.isSafeInteger(v) && v >= min && v <= max;
}
