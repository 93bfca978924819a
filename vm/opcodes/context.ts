// What the contract may read about its world (vm §4.10). All of it is fixed for the run.
import { norm, toItem } from "../values.ts";
import { type OpSpec, op } from "./types.ts";

export const contextOps: OpSpec[] = [
  op("MYADDR", 0x80, "none", "-- a", 0, 1, 2, "own address (36 Bytes: workchain i32, account id)", (m) => {
    m.push(m.ctx.address);
  }),
  op("BALANCE", 0x81, "none", "-- n", 0, 1, 2, "balance in nanograms", (m) => {
    m.push(norm(m.ctx.balance));
  }),
  op("MSGVALUE", 0x82, "none", "-- n", 0, 1, 2, "value of the inbound message", (m) => {
    m.push(norm(m.ctx.msgValue));
  }),
  op(
    "SENDER",
    0x83,
    "none",
    "-- a|null",
    0,
    1,
    2,
    "sender's address; Null for externals and get-methods",
    (m) => {
      m.push(m.ctx.sender);
    },
  ),
  op("NOW", 0x84, "none", "-- t", 0, 1, 2, "block time, unix seconds", (m) => {
    m.push(norm(m.ctx.now));
  }),
  op("LTIME", 0x85, "none", "-- lt", 0, 1, 2, "logical time of the transaction", (m) => {
    m.push(norm(m.ctx.lt));
  }),
  op("SEED", 0x86, "none", "-- s", 0, 1, 2, "the block's random seed (32 Bytes)", (m) => {
    m.push(m.ctx.seed);
  }),
  op("CONFIG", 0x87, "none", "i -- v", 1, 1, 20, "config parameter i, Null when unset", (m) => {
    const i = m.popInt();
    const v = m.ctx.config(typeof i === "number" ? BigInt(i) : i);
    m.push(v === null ? null : toItem(v, "config parameter"));
  }),
];
