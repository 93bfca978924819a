import { readdir, readFile, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { formatRaw } from "../../node/address/index.ts";
import { toHex } from "../../node/bytes/index.ts";
import { keyPairFromSeed, sha256 } from "../../node/crypto/index.ts";
import { MnemonicError } from "../../node/mnemonic/index.ts";
import { walletAddress } from "../../node/wallet/index.ts";
import { PHRASES, TEST_SCRYPT, tempHome } from "../testing.ts";
import { DEFAULT_SCRYPT, type Keystore, KeystoreError, openKeystore } from "./index.ts";

const words = PHRASES[0].words.split(" ");
const otherWords = PHRASES[1].words.split(" ");
const PASSWORD = "correct horse";

let home: string;
let remove: () => Promise<void>;
let ks: Keystore;

beforeEach(async () => {
  ({ home, remove } = await tempHome());
  ks = openKeystore(home, { scrypt: TEST_SCRYPT });
});
afterEach(() => remove());

/** A wallet file as JSON.parse gives it, for tests that edit one. */
type WalletJson = Record<string, unknown> & {
  publicKey: string;
  crypto: Record<string, unknown> & { iv: string; ciphertext: string };
};

const fileOf = (name: string) => join(home, "keystore", `${name}.json`);
const readJson = async (name: string) => JSON.parse(await readFile(fileOf(name), "utf8"));
const writeJson = (name: string, value: unknown) => writeFile(fileOf(name), JSON.stringify(value));

async function refusal(promise: Promise<unknown>): Promise<KeystoreError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(err instanceof KeystoreError)) throw new Error(`expected a KeystoreError, got ${String(err)}`);
  return err;
}

describe("round trip", () => {
  test("create, show, list and unlock give back the phrase, key and address", async () => {
    const created = await ks.create("alice", words, PASSWORD, { subwalletId: 7n, workchain: -1 });
    const expected = walletAddress(created.publicKey, 7n, -1n);
    expect(toHex(created.publicKey)).toBe(PHRASES[0].publicKey);
    expect(created).toEqual({
      name: "alice",
      address: { workchain: -1, hash: expected.id },
      publicKey: created.publicKey,
      subwalletId: 7n,
      workchain: -1,
    });
    expect(await ks.show("alice")).toEqual(created);
    expect(await ks.list()).toEqual([created]);

    const unlocked = await ks.unlock("alice", PASSWORD);
    expect(unlocked.words).toEqual(words);
    expect(toHex(unlocked.keyPair.publicKey)).toBe(PHRASES[0].publicKey);
    expect(unlocked).toMatchObject({ subwalletId: 7n, workchain: -1, address: created.address });
  });

  test("the file holds the documented fields, the raw address and no word of the phrase", async () => {
    await ks.create("alice", words, PASSWORD);
    const text = await readFile(fileOf("alice"), "utf8");
    const file = JSON.parse(text);
    expect(Object.keys(file)).toEqual([
      "version",
      "name",
      "address",
      "publicKey",
      "subwalletId",
      "workchain",
      "crypto",
    ]);
    expect(file).toMatchObject({
      version: 1,
      name: "alice",
      publicKey: PHRASES[0].publicKey,
      subwalletId: 0,
      workchain: 0,
    });
    const publicKey = new Uint8Array(Buffer.from(PHRASES[0].publicKey, "hex"));
    expect(file.address).toBe(formatRaw({ workchain: 0, hash: walletAddress(publicKey, 0n).id }));
    expect(file.crypto).toMatchObject({ kdf: "scrypt", ...TEST_SCRYPT, cipher: "aes-256-gcm" });
    expect(file.crypto.salt).toMatch(/^[0-9a-f]{64}$/);
    expect(file.crypto.iv).toMatch(/^[0-9a-f]{24}$/);
    expect(file.crypto.tag).toMatch(/^[0-9a-f]{32}$/);
    for (const w of words) expect(text).not.toContain(` ${w} `);
  });

  test("words are stored normalised: case and extra spaces do not matter", async () => {
    await ks.create(
      "alice",
      words.map((w, i) => (i % 2 ? w.toUpperCase() : ` ${w}`)),
      PASSWORD,
    );
    expect((await ks.unlock("alice", PASSWORD)).words).toEqual(words);
  });

  test("two files of the same phrase are encrypted differently (fresh salt and iv)", async () => {
    await ks.create("a", words, PASSWORD);
    await ks.create("b", words, PASSWORD);
    const [a, b] = [await readJson("a"), await readJson("b")];
    expect(a.crypto.salt).not.toBe(b.crypto.salt);
    expect(a.crypto.iv).not.toBe(b.crypto.iv);
    expect(a.crypto.ciphertext).not.toBe(b.crypto.ciphertext);
  });

  test("new files use the default scrypt cost unless told otherwise", async () => {
    const strong = openKeystore(home);
    await strong.create("strong", words, PASSWORD);
    expect((await readJson("strong")).crypto).toMatchObject({ n: 2 ** 15, r: 8, p: 1 });
    expect(DEFAULT_SCRYPT).toEqual({ n: 32768, r: 8, p: 1 });
    // The file's own cost is used to open it, whatever the keystore's setting.
    expect(toHex((await ks.unlock("strong", PASSWORD)).keyPair.publicKey)).toBe(PHRASES[0].publicKey);
  });

  test("list is sorted by name and empty before the first wallet", async () => {
    expect(await ks.list()).toEqual([]);
    await ks.create("zed", words, PASSWORD);
    await ks.create("amy", otherWords, PASSWORD);
    await writeFile(join(home, "keystore", ".leftover.tmp"), "x");
    await writeFile(join(home, "keystore", "notes.txt"), "x");
    expect((await ks.list()).map((w) => w.name)).toEqual(["amy", "zed"]);
  });
});

describe("refusals", () => {
  test("a second wallet of the same name is KEYSTORE_EXISTS and the first is untouched", async () => {
    await ks.create("alice", words, PASSWORD);
    const before = await readFile(fileOf("alice"), "utf8");
    expect((await refusal(ks.create("alice", otherWords, PASSWORD))).code).toBe("KEYSTORE_EXISTS");
    expect(await readFile(fileOf("alice"), "utf8")).toBe(before);
  });

  test("two processes racing to create one name: exactly one wins", async () => {
    const other = openKeystore(home, { scrypt: TEST_SCRYPT });
    const results = await Promise.allSettled([
      ks.create("race", words, PASSWORD),
      other.create("race", otherWords, PASSWORD),
    ]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    const lost = results.find((r) => r.status === "rejected") as PromiseRejectedResult;
    expect(lost.reason).toMatchObject({ code: "KEYSTORE_EXISTS" });
    expect(await readdir(join(home, "keystore"))).toEqual(["race.json"]);
  });

  test("a wrong password is KEYSTORE_BAD_PASSWORD naming the wallet", async () => {
    await ks.create("alice", words, PASSWORD);
    const err = await refusal(ks.unlock("alice", "correct horsE"));
    expect(err.code).toBe("KEYSTORE_BAD_PASSWORD");
    expect(err.message).toBe("wrong password for wallet alice");
  });

  test("a missing wallet is KEYSTORE_NOT_FOUND", async () => {
    for (const call of [() => ks.show("nobody"), () => ks.unlock("nobody", PASSWORD)]) {
      expect((await refusal(call())).code).toBe("KEYSTORE_NOT_FOUND");
    }
  });

  test("an invalid phrase is the mnemonic module's error, and nothing is written", async () => {
    const bad = [...words.slice(0, 23), "zzz"];
    await expect(ks.create("alice", bad, PASSWORD)).rejects.toBeInstanceOf(MnemonicError);
    expect(await ks.exists("alice")).toBe(false);
  });

  test.each([[""], ["a b"], ["../evil"], ["a.b"], ["x".repeat(65)], ["ünï"], ["a/b"]])(
    "name %j is KEYSTORE_BAD_NAME everywhere",
    async (name) => {
      const calls = [
        () => ks.create(name, words, PASSWORD),
        () => ks.show(name),
        () => ks.unlock(name, PASSWORD),
        () => ks.exists(name),
      ];
      for (const call of calls) {
        const err = await refusal(call());
        expect(err.code).toBe("KEYSTORE_BAD_NAME");
        expect(err.message).toContain("1 to 64 letters, digits, '_' or '-'");
      }
    },
  );

  test("names of 64 characters of the allowed set are fine", async () => {
    const name = `Ab9_-${"x".repeat(59)}`;
    await ks.create(name, words, PASSWORD);
    expect((await ks.show(name)).name).toBe(name);
  });

  test("misuse is a TypeError or RangeError", async () => {
    await expect(ks.create("a", words, "")).rejects.toThrow(RangeError);
    await expect(ks.create("a", words, PASSWORD, { subwalletId: 2n ** 32n })).rejects.toThrow(RangeError);
    await expect(ks.create("a", words, PASSWORD, { workchain: 128 })).rejects.toThrow(RangeError);
    expect(() => openKeystore(home, { scrypt: { n: 3, r: 1, p: 1 } })).toThrow(RangeError);
    expect(() => openKeystore("")).toThrow(TypeError);
  });
});

describe("damaged and tampered files", () => {
  beforeEach(async () => {
    await ks.create("alice", words, PASSWORD, { subwalletId: 1n });
  });

  const corruptions: [string, (f: WalletJson) => unknown][] = [
    ["not JSON", () => "{"],
    ["an array", () => []],
    ["another version", (f) => ({ ...f, version: 2 })],
    ["an unknown field", (f) => ({ ...f, extra: 1 })],
    ["another wallet's name", (f) => ({ ...f, name: "bob" })],
    ["a short public key", (f) => ({ ...f, publicKey: f.publicKey.slice(2) })],
    ["a friendly address", (f) => ({ ...f, address: "EQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" })],
    ["an address that is not its key's wallet", (f) => ({ ...f, address: `0:${"00".repeat(32)}` })],
    ["a workchain its address does not have", (f) => ({ ...f, workchain: -1 })],
    ["a subwallet id out of range", (f) => ({ ...f, subwalletId: 2 ** 32 })],
    ["an unknown cipher", (f) => ({ ...f, crypto: { ...f.crypto, cipher: "aes-128-cbc" } })],
    ["an expensive scrypt", (f) => ({ ...f, crypto: { ...f.crypto, n: 2 ** 30 } })],
    ["a short tag", (f) => ({ ...f, crypto: { ...f.crypto, tag: "00" } })],
    [
      "upper-case hex",
      (f) => ({ ...f, crypto: { ...f.crypto, iv: f.crypto.iv.toUpperCase().replace(/^./, "A") } }),
    ],
  ];

  test.each(corruptions)("%s is KEYSTORE_CORRUPT on show, list and unlock", async (_why, edit) => {
    const edited = edit(await readJson("alice"));
    await writeFile(fileOf("alice"), typeof edited === "string" ? edited : JSON.stringify(edited));
    for (const call of [() => ks.show("alice"), () => ks.list(), () => ks.unlock("alice", PASSWORD)]) {
      const err = await refusal(call());
      expect(err.code).toBe("KEYSTORE_CORRUPT");
      expect(err.message).toMatch(/^the file of wallet alice is damaged: /);
    }
  });

  test("a file too large to be a wallet is KEYSTORE_CORRUPT without being parsed", async () => {
    await writeFile(fileOf("alice"), " ".repeat(70 * 1024));
    expect((await refusal(ks.show("alice"))).message).toContain("too large");
  });

  // Each edit keeps the file consistent (its address is the wallet of its key), so only the
  // associated data can catch it: without it the phrase would decrypt and match the key.
  test.each([
    [
      "another subwallet id",
      async (f: WalletJson) => {
        const address = walletAddress(Buffer.from(f.publicKey, "hex"), 2n, 0n);
        return { ...f, subwalletId: 2, address: `0:${toHex(address.id)}` };
      },
    ],
    [
      "another key",
      async (f: WalletJson) => {
        const key = keyPairFromSeed(sha256(new TextEncoder().encode("attacker"))).publicKey;
        return { ...f, publicKey: toHex(key), address: `0:${toHex(walletAddress(key, 1n, 0n).id)}` };
      },
    ],
    ["a lower scrypt cost", async (f: WalletJson) => ({ ...f, crypto: { ...f.crypto, n: 2 } })],
    ["another iv", async (f: WalletJson) => ({ ...f, crypto: { ...f.crypto, iv: "00".repeat(12) } })],
    [
      "a flipped ciphertext bit",
      async (f: WalletJson) => {
        const c = Buffer.from(f.crypto.ciphertext, "hex");
        c[0] ^= 1;
        return { ...f, crypto: { ...f.crypto, ciphertext: c.toString("hex") } };
      },
    ],
  ])("%s: the right password no longer opens it", async (_why, edit) => {
    await writeJson("alice", await edit(await readJson("alice")));
    expect((await refusal(ks.unlock("alice", PASSWORD))).code).toBe("KEYSTORE_BAD_PASSWORD");
  });
});

describe("permissions", () => {
  test("files are 0600 and the directory 0700, even when it existed with wider rights", async () => {
    const old = process.umask(0o022);
    try {
      await ks.create("alice", words, PASSWORD);
      const { chmod } = await import("node:fs/promises");
      await chmod(join(home, "keystore"), 0o755);
      await ks.create("bob", otherWords, PASSWORD);
    } finally {
      process.umask(old);
    }
    expect((await stat(join(home, "keystore"))).mode & 0o777).toBe(0o700);
    for (const name of ["alice", "bob"]) expect((await stat(fileOf(name))).mode & 0o777).toBe(0o600);
    expect(await readdir(join(home, "keystore"))).toEqual(["alice.json", "bob.json"]);
  });
});
