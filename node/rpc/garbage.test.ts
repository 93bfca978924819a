import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { type DemoServer, isWellFormedResponse, post, startDemoServer } from "./demo.testkit.ts";

const SEED = 20_240_601;
let demo: DemoServer;
beforeAll(async () => {
  demo = await startDemoServer();
});
afterAll(() => demo.server.close());

const members = fc.constantFrom("jsonrpc", "method", "params", "id", "__proto__", "constructor", "x");
const methods = fc.constantFrom(
  "echo",
  "add",
  "balance",
  "crash",
  "fail",
  "note",
  "nope",
  "__proto__",
  "toString",
);
const values = fc.oneof(
  fc.jsonValue(),
  methods,
  fc.constant("2.0"),
  fc.bigInt().map((n) => ({ raw: n.toString() })),
  fc.constantFrom({ raw: "1e400" }, { raw: "-1e400" }, { raw: "123456789012345678901234567890" }),
);
const write = (v: unknown): string =>
  typeof v === "object" && v !== null && "raw" in v ? String(v.raw) : JSON.stringify(v);
/** Request-like objects written by hand, so keys such as __proto__ reach the wire. */
const requestish = fc
  .array(fc.tuple(members, values), { maxLength: 6 })
  .map((pairs) => `{${pairs.map(([k, v]) => `${JSON.stringify(k)}:${write(v)}`).join(",")}}`);
const bodies = fc.oneof(
  fc.string(),
  fc.string({ unit: "binary" }),
  fc.json(),
  requestish,
  fc.array(requestish, { maxLength: 5 }).map((items) => `[${items.join(",")}]`),
  fc.nat({ max: 300 }).map((n) => "[".repeat(n) + "]".repeat(n)),
  fc.uint8Array({ maxLength: 64 }),
);

/** A 204 is right only when every element was a notification (no id). */
function allNotifications(body: string | Uint8Array): boolean {
  const value = JSON.parse(typeof body === "string" ? body : new TextDecoder().decode(body));
  const items = Array.isArray(value) ? value : [value];
  return items.length > 0 && items.every((item) => typeof item === "object" && !Object.hasOwn(item, "id"));
}

async function stillAnswers(): Promise<void> {
  const res = await post(demo.server.url, '{"jsonrpc":"2.0","method":"add","params":{"a":1,"b":2},"id":9}');
  expect(res.json()).toEqual({ jsonrpc: "2.0", result: 3, id: 9 });
}

describe("garbage", () => {
  test("any body gets a well-formed JSON-RPC response, and the server answers afterwards", async () => {
    await fc.assert(
      fc.asyncProperty(bodies, async (body) => {
        const res = await post(demo.server.url, body);
        if (res.status === 204) {
          expect(res.text).toBe("");
          expect(allNotifications(body)).toBe(true);
        } else {
          expect(res.status).toBe(200);
          expect(isWellFormedResponse(res.json())).toBe(true);
        }
      }),
      { seed: SEED, numRuns: 400 },
    );
    await stillAnswers();
  });

  test("named hostile bodies: deep nesting, huge numbers, __proto__, a BOM, lone surrogates", async () => {
    const deep = 400_000;
    const cases: Array<[string | Uint8Array, number]> = [
      ["[".repeat(deep) + "]".repeat(deep), -32600],
      [
        `{"jsonrpc":"2.0","method":"echo","params":{"value":${"[".repeat(65)}${"]".repeat(65)}},"id":1}`,
        -32600,
      ],
      ['{"jsonrpc":"2.0","method":"add","params":{"a":1e999999,"b":1},"id":1}', -32602],
      ['{"__proto__":{"jsonrpc":"2.0","method":"echo"},"id":1}', -32600],
      ['{"jsonrpc":"2.0","method":"echo","params":{"__proto__":{"value":"x"}},"id":1}', -32602],
      [`{"jsonrpc":"2.0","method":"echo","params":{"value":"\\ud800"},"id":1}`, 0],
      ["\ufeff{}", -32600],
      [new Uint8Array([0xc0, 0xaf]), -32700],
      [new Uint8Array([0xed, 0xa0, 0x80]), -32700],
      ["", -32700],
    ];
    for (const [body, code] of cases) {
      const res = await post(demo.server.url, body);
      const label = typeof body === "string" ? body.slice(0, 60) : `bytes ${[...body]}`;
      expect(res.status, label).toBe(200);
      const json = res.json() as { error?: { code: number } };
      expect(isWellFormedResponse(json), label).toBe(true);
      expect(json.error?.code ?? 0, label).toBe(code);
    }
    expect(Object.prototype).not.toHaveProperty("value");
    expect(Object.prototype).not.toHaveProperty("jsonrpc");
    await stillAnswers();
  });
});
