// node/wallet: the standard wallet's address and signed transfers, shared by genesis and the CLI.
export {
  commentBody,
  deployAddress,
  type Payment,
  type TransferOrder,
  transferMessage,
  walletAddress,
  walletStateInit,
} from "./wallet.ts";
