import { describe, expect, test } from "vitest";
import { genesisToJson, parseGenesis } from "./genesis.ts";
import { testGenesis } from "./testkit.ts";

// A JSON document that the cases below spoil one field at a time.
// biome-ignore lint/suspicious/noExplicitAny: test documents are edited freely, as a person would edit the file
type Doc = Record<string, any>;
const good = () => genesisToJson(testGenesis([{ seed: "a", balance: 5n }])) as Doc;

describe("parseGenesis", () => {
  test("reads back what genesisToJson wrote", () => {
    const g = testGenesis([
      { seed: "a", balance: 5n },
      { seed: "b", balance: 7n, workchain: -1n },
    ]);
    expect(parseGenesis(JSON.parse(JSON.stringify(genesisToJson(g))))).toEqual(g);
  });

  test("plain balances take any address form", () => {
    const doc = good();
    doc.accounts.push({ address: `0:${"ab".repeat(32)}`, balance: "9" });
    const g = parseGenesis(doc);
    expect(g.accounts[1]).toMatchObject({ balance: 9n, wallet: null });
  });

  const cases: [string, (d: Doc) => void, RegExp][] = [
    ["an unknown field", (d) => (d.extra = 1), /extra: is not a known field/],
    ["a missing config", (d) => delete d.config, /config: is missing/],
    ["a negative balance", (d) => (d.accounts[0].balance = "-1"), /accounts\[0\]\.balance/],
    ["a fractional balance", (d) => (d.accounts[0].balance = 1.5), /accounts\[0\]\.balance/],
    ["a balance over u64", (d) => (d.accounts[0].balance = "18446744073709551616"), /at most/],
    ["a short public key", (d) => (d.config.validators[0].publicKey = "abcd"), /64 hex digits/],
    ["no validators", (d) => (d.config.validators = []), /non-empty/],
    ["a zero stake", (d) => (d.config.validators[0].stake = "0"), /positive/],
    ["a bad address", (d) => d.accounts.push({ address: "0:zz", balance: "1" }), /accounts\[1\]\.address/],
    ["a repeated account", (d) => d.accounts.push(d.accounts[0]), /repeats the address/],
    [
      "a plain account with nothing on it",
      (d) => d.accounts.push({ address: `0:${"ab".repeat(32)}`, balance: "0" }),
      /accounts\[1\]\.balance: must be positive/,
    ],
    ["an unknown workchain", (d) => (d.accounts[0].workchain = 3), /workchain/],
    ["a bad network name", (d) => (d.network = "Has Spaces"), /network/],
    ["gas credit over the limit", (d) => (d.config.fees.gasCredit = "2000000"), /gasCredit/],
  ];
  test.each(cases)("refuses %s with a message naming the field", (_, spoil, message) => {
    const doc = good();
    spoil(doc);
    expect(() => parseGenesis(doc)).toThrow(message);
  });

  test("refuses a document that is not an object", () => {
    for (const bad of [null, 3, "x", []]) expect(() => parseGenesis(bad)).toThrow(/must be an object/);
  });
});
