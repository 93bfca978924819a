import { describe, expect, test } from "vitest";
import { ADDRESSES, run } from "../testing.ts";

const env = { GRAM_HOME: "/nonexistent/gram-home-for-tests" };

/** The five forms TON's library gives for a vector, in the command's JSON shape. */
function expectedForms(v: (typeof ADDRESSES.valid)[number]) {
  const pick = (bounceable: boolean, testnet: boolean) =>
    v.friendly.find((f) => f.urlSafe && f.bounceable === bounceable && f.testnet === testnet)!.text;
  return {
    raw: v.raw,
    bounceable: pick(true, false),
    nonBounceable: pick(false, false),
    testnetBounceable: pick(true, true),
    testnetNonBounceable: pick(false, true),
  };
}

describe("gram address", () => {
  test.each(ADDRESSES.valid.map((v) => [v.raw, v]))("--json of %s matches TON's forms", async (raw, v) => {
    const r = await run(["address", raw, "--json"], env);
    expect([r.code, r.stderr]).toEqual([0, ""]);
    expect(JSON.parse(r.stdout)).toEqual(expectedForms(v));
    expect(r.stdout.trimEnd().split("\n")).toHaveLength(1);
  });

  test("every form of an address, in either alphabet, gives the same answer", async () => {
    for (const v of ADDRESSES.valid.slice(0, 3)) {
      for (const f of v.friendly) {
        const r = await run(["--json", "address", f.text], env);
        expect(JSON.parse(r.stdout)).toEqual(expectedForms(v));
      }
    }
  });

  test("human output: one labelled row per form", async () => {
    const v = ADDRESSES.valid.find((a) => a.raw.startsWith("-1:"))!;
    const forms = expectedForms(v);
    const r = await run(["address", v.raw], env);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      [
        `raw                     ${forms.raw}`,
        `bounceable              ${forms.bounceable}`,
        `non-bounceable          ${forms.nonBounceable}`,
        `testnet bounceable      ${forms.testnetBounceable}`,
        `testnet non-bounceable  ${forms.testnetNonBounceable}`,
        "",
      ].join("\n"),
    );
  });

  test.each(ADDRESSES.invalid.map((v) => [v.why, v]))(
    "refuses %s: exit 1, node/address's message on one line",
    async (_why, v) => {
      const r = await run(["address", v.text, "--json"], env);
      expect(r.code).toBe(1);
      expect(r.stdout).toBe("");
      expect(r.stderr).toMatch(/^gram: .*address/);
      expect(r.stderr.trimEnd().split("\n")).toHaveLength(1);
    },
  );

  test("an unknown option is still a usage error", async () => {
    const r = await run(["address", "--bounce"], env);
    expect(r).toEqual({
      code: 2,
      stdout: "",
      stderr: "gram: unknown option '--bounce'; see 'gram address --help'\n",
    });
  });
});
