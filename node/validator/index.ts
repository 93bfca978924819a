// node/validator: a validator's consensus over the network (specs/consensus.md §8): the loop
// that drives the per-height machine with peers' messages, the catch-up of a node that is
// behind, and the wire forms both use.
export { ConsensusDriver, type DriverDeps } from "./driver.ts";
export { PROTOCOLS, p2pLimits, topicsOf } from "./wire.ts";
