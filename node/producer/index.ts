// node/producer: the loop that turns waiting messages into rounds of blocks.
export { Producer, type ProducerDeps, type ProducerOptions } from "./producer.ts";
