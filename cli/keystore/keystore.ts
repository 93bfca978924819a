// The wallets of one user: `$GRAM_HOME/keystore/NAME.json`, one file per wallet, the phrase
// encrypted under a password (seal.ts) and the public part readable without it. Commands that
// sign (transfers, staking) unlock a wallet here and get its key pair.
import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { type Address, formatRaw } from "../../node/address/index.ts";
import { equalBytes, toHex } from "../../node/bytes/index.ts";
import type { KeyPair } from "../../node/crypto/index.ts";
import { MnemonicError, mnemonicToKeyPair, parseMnemonic } from "../../node/mnemonic/index.ts";
import { walletAddress } from "../../node/wallet/index.ts";
import { ensurePrivateDir, exists, listDir, readSmallFile, writeNewFileAtomic } from "./disk.ts";
import { KeystoreError } from "./errors.ts";
import {
  associatedData,
  KEYSTORE_VERSION,
  type KeystoreFile,
  MAX_FILE_BYTES,
  MAX_SUBWALLET_ID,
  parseKeystoreFile,
  serializeKeystoreFile,
} from "./file.ts";
import { assertWalletName, isWalletName } from "./names.ts";
import {
  DEFAULT_SCRYPT,
  decrypt,
  deriveKey,
  encrypt,
  IV_BYTES,
  SALT_BYTES,
  type ScryptCost,
  scryptCostRefusal,
} from "./seal.ts";

/** What anyone may see of a wallet: no password needed. */
export interface WalletInfo {
  name: string;
  address: Address;
  publicKey: Uint8Array;
  subwalletId: bigint;
  workchain: number;
}

export interface UnlockedWallet {
  words: string[];
  keyPair: KeyPair;
  subwalletId: bigint;
  workchain: number;
  address: Address;
}

export interface CreateWalletOptions {
  /** 0..2^32-1; default 0. */
  subwalletId?: bigint;
  /** -128..127; default 0 (the basechain). */
  workchain?: number;
}

export interface KeystoreOptions {
  /** The scrypt cost of new files (default DEFAULT_SCRYPT); tests lower it. Reads use the file's. */
  scrypt?: ScryptCost;
}

export interface Keystore {
  /** The directory the files are in. */
  readonly dir: string;
  exists(name: string): Promise<boolean>;
  /** Throws KEYSTORE_EXISTS when `name` is taken: lets a command refuse before it asks anything. */
  assertNameFree(name: string): Promise<void>;
  create(name: string, words: string[], password: string, options?: CreateWalletOptions): Promise<WalletInfo>;
  /** Every wallet, by name. */
  list(): Promise<WalletInfo[]>;
  show(name: string): Promise<WalletInfo>;
  unlock(name: string, password: string): Promise<UnlockedWallet>;
}

const FILE = /^([A-Za-z0-9_-]{1,64})\.json$/;

export function openKeystore(home: string, options: KeystoreOptions = {}): Keystore {
  if (typeof home !== "string" || home === "") throw new TypeError("openKeystore: home must be a path");
  const cost = options.scrypt ?? DEFAULT_SCRYPT;
  const refusal = scryptCostRefusal(cost);
  if (refusal !== undefined) throw new RangeError(`openKeystore: options.scrypt: ${refusal}`);
  const dir = join(home, "keystore");
  const pathOf = (name: string): string => {
    assertWalletName(name);
    return join(dir, `${name}.json`);
  };

  async function read(name: string): Promise<KeystoreFile> {
    const text = await readSmallFile(pathOf(name), MAX_FILE_BYTES);
    if (text === undefined) {
      throw new KeystoreError("KEYSTORE_NOT_FOUND", `no wallet named ${name} (looked in ${dir})`);
    }
    if (text === "too large") {
      throw new KeystoreError("KEYSTORE_CORRUPT", `the file of wallet ${name} is damaged: it is too large`);
    }
    const file = parseKeystoreFile(text, name);
    checkAddress(file);
    return file;
  }

  return {
    dir,
    exists: async (name) => exists(pathOf(name)),

    async assertNameFree(name) {
      if (await exists(pathOf(name))) throw existsError(name);
    },

    async create(name, words, password, opts = {}) {
      const path = pathOf(name);
      const subwalletId = opts.subwalletId ?? 0n;
      const workchain = opts.workchain ?? 0;
      assertCreateArgs(password, subwalletId, workchain);
      const keyPair = mnemonicToKeyPair(words);
      const phrase = parseMnemonic(words.join(" ")).join(" ");
      await ensurePrivateDir(dir);
      if (await exists(path)) throw existsError(name);
      const address = addressOf(keyPair.publicKey, subwalletId, workchain);
      const file: KeystoreFile = {
        version: KEYSTORE_VERSION,
        name,
        address: formatRaw(address),
        publicKey: toHex(keyPair.publicKey),
        subwalletId: Number(subwalletId),
        workchain,
        crypto: {
          kdf: "scrypt",
          ...cost,
          salt: toHex(randomBytes(SALT_BYTES)),
          cipher: "aes-256-gcm",
          iv: toHex(randomBytes(IV_BYTES)),
          ciphertext: "",
          tag: "",
        },
      };
      const key = await deriveKey(password, fromHex(file.crypto.salt), cost);
      const plaintext = new TextEncoder().encode(phrase);
      const sealed = encrypt(key, fromHex(file.crypto.iv), plaintext, associatedData(file));
      key.fill(0);
      plaintext.fill(0);
      file.crypto.ciphertext = toHex(sealed.ciphertext);
      file.crypto.tag = toHex(sealed.tag);
      if (!(await writeNewFileAtomic(path, serializeKeystoreFile(file)))) throw existsError(name);
      return infoOf(file);
    },

    async list() {
      const names = (await listDir(dir))
        .map((f) => FILE.exec(f)?.[1])
        .filter((n): n is string => n !== undefined && isWalletName(n))
        .sort();
      const infos: WalletInfo[] = [];
      for (const name of names) infos.push(infoOf(await read(name)));
      return infos;
    },

    async show(name) {
      return infoOf(await read(name));
    },

    async unlock(name, password) {
      if (typeof password !== "string") throw new TypeError("unlock: password must be a string");
      const file = await read(name);
      const c = file.crypto;
      const key = await deriveKey(password, fromHex(c.salt), c);
      const plaintext = decrypt(
        key,
        fromHex(c.iv),
        fromHex(c.ciphertext),
        fromHex(c.tag),
        associatedData(file),
      );
      key.fill(0);
      // GCM cannot tell a wrong password from an edited public field: both fail the tag.
      if (plaintext === undefined) {
        throw new KeystoreError("KEYSTORE_BAD_PASSWORD", `wrong password for wallet ${name}`);
      }
      const words = parseMnemonic(new TextDecoder().decode(plaintext));
      plaintext.fill(0);
      let keyPair: KeyPair;
      try {
        keyPair = mnemonicToKeyPair(words);
      } catch (err) {
        if (!(err instanceof MnemonicError)) throw err;
        throw new KeystoreError("KEYSTORE_CORRUPT", `the file of wallet ${name} is damaged: ${err.message}`);
      }
      if (!equalBytes(keyPair.publicKey, fromHex(file.publicKey))) {
        throw new KeystoreError(
          "KEYSTORE_CORRUPT",
          `the file of wallet ${name} is damaged: its phrase does not give its public key`,
        );
      }
      const info = infoOf(file);
      return {
        words,
        keyPair,
        subwalletId: info.subwalletId,
        workchain: info.workchain,
        address: info.address,
      };
    },
  };
}

function assertCreateArgs(password: string, subwalletId: bigint, workchain: number): void {
  if (typeof password !== "string") throw new TypeError("create: password must be a string");
  if (password === "") throw new RangeError("create: password must not be empty");
  if (typeof subwalletId !== "bigint" || subwalletId < 0n || subwalletId > BigInt(MAX_SUBWALLET_ID)) {
    throw new RangeError(`create: subwalletId must be a bigint in 0..2^32-1, got ${String(subwalletId)}`);
  }
  if (!Number.isInteger(workchain) || workchain < -128 || workchain > 127) {
    throw new RangeError(`create: workchain must be an integer in -128..127, got ${workchain}`);
  }
}

function addressOf(publicKey: Uint8Array, subwalletId: bigint, workchain: number): Address {
  const a = walletAddress(publicKey, subwalletId, BigInt(workchain));
  return { workchain, hash: a.id };
}

/** The stored address must be the wallet's: a file edited to show another address is refused. */
function checkAddress(file: KeystoreFile): void {
  const expected = addressOf(fromHex(file.publicKey), BigInt(file.subwalletId), file.workchain);
  if (formatRaw(expected) !== file.address) {
    throw new KeystoreError(
      "KEYSTORE_CORRUPT",
      `the file of wallet ${file.name} is damaged: its address is not the wallet of its public key`,
    );
  }
}

function infoOf(file: KeystoreFile): WalletInfo {
  return {
    name: file.name,
    address: { workchain: file.workchain, hash: fromHex(file.address.split(":")[1]) },
    publicKey: fromHex(file.publicKey),
    subwalletId: BigInt(file.subwalletId),
    workchain: file.workchain,
  };
}

const existsError = (name: string) =>
  new KeystoreError("KEYSTORE_EXISTS", `a wallet named ${name} already exists; choose another name`);

const fromHex = (hex: string): Uint8Array => new Uint8Array(Buffer.from(hex, "hex"));
