import { readdir } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { formatFriendly, formatRaw } from "../../node/address/index.ts";
import { toHex } from "../../node/bytes/index.ts";
import { isValidMnemonic, mnemonicToKeyPair } from "../../node/mnemonic/index.ts";
import { walletAddress } from "../../node/wallet/index.ts";
import { openKeystore } from "../keystore/index.ts";
import { fakeTty, PHRASES, pipedStdin, run, tempHome } from "../testing.ts";

let home: string;
let remove: () => Promise<void>;
let env: Record<string, string>;

beforeEach(async () => {
  ({ home, remove } = await tempHome());
  env = { GRAM_HOME: home, GRAM_PASSWORD: "pw" };
});
afterEach(() => remove());

/** The forms the commands must print for a key's wallet, from node/wallet and node/address. */
function expectedAddress(publicKey: Uint8Array, subwalletId = 0n, workchain = 0) {
  const address = { workchain, hash: walletAddress(publicKey, subwalletId, BigInt(workchain)).id };
  return {
    address: formatFriendly(address, { bounceable: false, testnet: false }),
    bounceable: formatFriendly(address, { bounceable: true, testnet: false }),
    raw: formatRaw(address),
  };
}

const phrase = PHRASES[0];
const publicKey = new Uint8Array(Buffer.from(phrase.publicKey, "hex"));
const walletFiles = async () => readdir(join(home, "keystore")).catch(() => []);

describe("gram wallet new", () => {
  test("--json: name, address, raw, public key and a valid phrase that the keystore opens to", async () => {
    const r = await run(["wallet", "new", "alice", "--json"], env);
    expect([r.code, r.stderr]).toEqual([0, ""]);
    const out = JSON.parse(r.stdout);
    expect(Object.keys(out)).toEqual(["name", "address", "raw", "publicKey", "mnemonic"]);
    const words = out.mnemonic.split(" ");
    expect(words).toHaveLength(24);
    expect(isValidMnemonic(words)).toBe(true);
    const key = mnemonicToKeyPair(words).publicKey;
    const { address, raw } = expectedAddress(key);
    expect(out).toEqual({ name: "alice", address, raw, publicKey: toHex(key), mnemonic: out.mnemonic });
    const unlocked = await openKeystore(home).unlock("alice", "pw");
    expect(unlocked.words).toEqual(words);
  });

  test("human output: the address, a warning to write the words down, the 24 numbered words", async () => {
    const r = await run(["wallet", "new", "alice"], env);
    expect(r.code).toBe(0);
    const { words } = await openKeystore(home).unlock("alice", "pw");
    const { address, raw } = expectedAddress(mnemonicToKeyPair(words).publicKey);
    expect(r.stdout).toContain("Created wallet alice.");
    expect(r.stdout).toContain(`address     ${address}  (non-bounceable)`);
    expect(r.stdout).toContain(raw);
    expect(r.stdout).toMatch(/Write these 24 words down/);
    expect(r.stdout).toMatch(/not shown again/);
    for (const [i, w] of words.entries()) expect(r.stdout).toContain(`${String(i + 1).padStart(2)}. ${w}`);
  });

  test("--subwallet and --workchain place the wallet, and are shown", async () => {
    const r = await run(["wallet", "new", "mc", "--subwallet", "42", "--workchain", "-1", "--json"], env);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    const key = mnemonicToKeyPair(out.mnemonic.split(" ")).publicKey;
    expect(out.raw).toBe(expectedAddress(key, 42n, -1).raw);
    expect(out.raw).toMatch(/^-1:/);
    const shown = await run(["wallet", "show", "mc"], env);
    expect(shown.stdout).toMatch(/subwallet\s+42\n/);
    expect(shown.stdout).toMatch(/workchain\s+-1\n/);
  });

  test("at a terminal the password is asked twice on stderr; --json stays one object on stdout", async () => {
    const tty = fakeTty();
    const running = run(["wallet", "new", "alice", "--json"], { GRAM_HOME: home }, tty);
    tty.type("s3cret\rs3cret\r");
    const r = await running;
    expect(r.code).toBe(0);
    expect(r.stderr).toBe("Password for wallet alice: \nRepeat the password: \n");
    expect(JSON.parse(r.stdout).name).toBe("alice");
    expect((await openKeystore(home).unlock("alice", "s3cret")).words).toEqual(
      JSON.parse(r.stdout).mnemonic.split(" "),
    );
  });

  test("passwords that differ save nothing", async () => {
    const tty = fakeTty();
    const running = run(["wallet", "new", "alice"], { GRAM_HOME: home }, tty);
    tty.type("one\rtwo\r");
    const r = await running;
    expect(r.code).toBe(1);
    expect(r.stderr.split("\n").at(-2)).toBe("gram: the two passwords differ; nothing was saved");
    expect(await walletFiles()).toEqual([]);
  });

  test("without GRAM_PASSWORD or a terminal: one line saying to set it, nothing saved", async () => {
    const r = await run(["wallet", "new", "alice"], { GRAM_HOME: home });
    expect(r).toEqual({
      code: 1,
      stdout: "",
      stderr: "gram: wallet alice needs a password and there is no terminal to ask on; set GRAM_PASSWORD\n",
    });
    expect(await walletFiles()).toEqual([]);
  });

  test("a taken name is refused before any password is asked", async () => {
    await run(["wallet", "new", "alice"], env);
    const tty = fakeTty();
    const r = await run(["wallet", "new", "alice"], { GRAM_HOME: home }, tty);
    expect(r).toEqual({
      code: 1,
      stdout: "",
      stderr: "gram: a wallet named alice already exists; choose another name\n",
    });
  });
});

describe("gram wallet import", () => {
  test("--mnemonic, --json: the wallet of that phrase", async () => {
    const r = await run(["wallet", "import", "alice", "--mnemonic", phrase.words, "--json"], env);
    expect([r.code, r.stderr]).toEqual([0, ""]);
    const { address, raw } = expectedAddress(publicKey);
    expect(JSON.parse(r.stdout)).toEqual({ name: "alice", address, raw, publicKey: phrase.publicKey });
    expect(r.stdout).not.toContain("mnemonic");
  });

  test("human output names the wallet and its address", async () => {
    const r = await run(["wallet", "import", "alice", "--mnemonic", phrase.words], env);
    expect(r.stdout).toBe(
      [
        "Imported wallet alice.",
        `  address     ${expectedAddress(publicKey).address}  (non-bounceable)`,
        `  raw         ${expectedAddress(publicKey).raw}`,
        `  public key  ${phrase.publicKey}`,
        "",
      ].join("\n"),
    );
  });

  test("the phrase from piped stdin, with any spacing and case", async () => {
    const piped = pipedStdin(`  ${phrase.words.toUpperCase().replaceAll(" ", "\n ")}\n`);
    const r = await run(["wallet", "import", "alice", "--json"], env, piped);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).publicKey).toBe(phrase.publicKey);
  });

  test("the phrase from a hidden prompt, then the password twice", async () => {
    const tty = fakeTty();
    const running = run(["wallet", "import", "alice", "--json"], { GRAM_HOME: home }, tty);
    tty.type(`${phrase.words}\rpw\rpw\r`);
    const r = await running;
    expect(r.code).toBe(0);
    expect(r.stderr).toBe(
      "Recovery phrase (24 words, not shown as you type): \nPassword for wallet alice: \nRepeat the password: \n",
    );
    expect(JSON.parse(r.stdout).publicKey).toBe(phrase.publicKey);
  });

  test("the same phrase under another subwallet is another wallet", async () => {
    await run(["wallet", "import", "a", "--mnemonic", phrase.words], env);
    const r = await run(
      ["wallet", "import", "b", "--mnemonic", phrase.words, "--subwallet", "1", "--json"],
      env,
    );
    expect(JSON.parse(r.stdout).raw).toBe(expectedAddress(publicKey, 1n).raw);
    expect(JSON.parse(r.stdout).raw).not.toBe(expectedAddress(publicKey).raw);
  });

  test.each([
    [phrase.words.replace(/\S+$/, "zzz"), 'word 24 "zzz" is not in the BIP-39 English word list'],
    ["one two three", "a mnemonic has 24 words, this one has 3"],
    ["", "a mnemonic has 24 words, this one has 0"],
    [phrase.words.split(" ").reverse().join(" "), "not a TON mnemonic"],
  ])("an invalid phrase is the mnemonic module's error: %s", async (words, message) => {
    const tty = fakeTty();
    const r = await run(["wallet", "import", "alice", "--mnemonic", words], { GRAM_HOME: home }, tty);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr).toContain(message);
    expect(r.stderr.trimEnd().split("\n")).toHaveLength(1);
    expect(await walletFiles()).toEqual([]);
  });
});

describe("gram wallet list and show", () => {
  test("list before any wallet: a hint in text, an empty list in JSON", async () => {
    const r = await run(["wallet", "list"], env);
    expect(r.stdout).toBe(`No wallets in ${join(home, "keystore")}. Create one with: gram wallet new NAME\n`);
    expect(JSON.parse((await run(["wallet", "list", "--json"], env)).stdout)).toEqual({ wallets: [] });
  });

  test("list: name and address, sorted; JSON with every public field", async () => {
    await run(["wallet", "import", "zed", "--mnemonic", PHRASES[1].words], env);
    await run(["wallet", "import", "amy", "--mnemonic", phrase.words, "--subwallet", "3"], env);
    const amy = expectedAddress(publicKey, 3n);
    const zed = expectedAddress(new Uint8Array(Buffer.from(PHRASES[1].publicKey, "hex")));
    expect((await run(["wallet", "list"], env)).stdout).toBe(
      ["NAME  ADDRESS", `amy   ${amy.address}`, `zed   ${zed.address}`, ""].join("\n"),
    );
    const json = JSON.parse((await run(["wallet", "list", "--json"], env)).stdout);
    expect(json.wallets).toEqual([
      {
        name: "amy",
        address: amy.address,
        raw: amy.raw,
        publicKey: phrase.publicKey,
        subwalletId: "3",
        workchain: 0,
      },
      {
        name: "zed",
        address: zed.address,
        raw: zed.raw,
        publicKey: PHRASES[1].publicKey,
        subwalletId: "0",
        workchain: 0,
      },
    ]);
  });

  test("show: every public field, in text and JSON", async () => {
    await run(["wallet", "import", "alice", "--mnemonic", phrase.words], env);
    const { address, bounceable, raw } = expectedAddress(publicKey);
    expect((await run(["wallet", "show", "alice"], env)).stdout).toBe(
      [
        "wallet      alice",
        `address     ${address}  (non-bounceable)`,
        `bounceable  ${bounceable}`,
        `raw         ${raw}`,
        `public key  ${phrase.publicKey}`,
        "subwallet   0",
        "workchain   0",
        "",
      ].join("\n"),
    );
    expect(JSON.parse((await run(["wallet", "show", "alice", "--json"], env)).stdout)).toEqual({
      name: "alice",
      address,
      raw,
      publicKey: phrase.publicKey,
      bounceable,
      subwalletId: "0",
      workchain: 0,
    });
  });

  test("show needs no password", async () => {
    await run(["wallet", "import", "alice", "--mnemonic", phrase.words], env);
    expect((await run(["wallet", "show", "alice"], { GRAM_HOME: home })).code).toBe(0);
  });

  test("show of a missing wallet: exit 1, one line", async () => {
    const r = await run(["wallet", "show", "bob", "--json"], env);
    expect(r).toEqual({
      code: 1,
      stdout: "",
      stderr: `gram: no wallet named bob (looked in ${join(home, "keystore")})\n`,
    });
  });

  test("a damaged file: exit 1, one line naming the wallet", async () => {
    await run(["wallet", "import", "alice", "--mnemonic", phrase.words], env);
    const { writeFile } = await import("node:fs/promises");
    await writeFile(join(home, "keystore", "alice.json"), "{");
    for (const argv of [
      ["wallet", "show", "alice"],
      ["wallet", "list"],
    ]) {
      const r = await run(argv, env);
      expect([r.code, r.stdout, r.stderr]).toEqual([
        1,
        "",
        "gram: the file of wallet alice is damaged: it is not JSON\n",
      ]);
    }
  });
});
