// Why a testnet command failed, as a code a script can test and a message that says what to do
// (the CLI prints it as its one line). Misuse of a function is a RangeError/TypeError instead.
export type TestnetErrorCode =
  | "TESTNET_NOT_FOUND"
  | "TESTNET_INCOMPLETE"
  | "TESTNET_OLD_LAYOUT"
  | "TESTNET_RUNNING"
  | "TESTNET_PORT_IN_USE"
  | "TESTNET_BAD_MANIFEST"
  | "TESTNET_NODE_EXITED"
  | "TESTNET_NOT_READY"
  | "TESTNET_ABORTED";

export class TestnetError extends Error {
  readonly code: TestnetErrorCode;
  constructor(code: TestnetErrorCode, message: string) {
    super(message);
    this.name = "TestnetError";
    this.code = code;
  }
}
