// Where Gram keeps its files for a user: $GRAM_HOME, else ~/.gram.
import { homedir } from "node:os";
import { join } from "node:path";

export function gramHome(env: Readonly<Record<string, string | undefined>>): string {
  if (env.GRAM_HOME !== undefined && env.GRAM_HOME !== "") return env.GRAM_HOME;
  return join(env.HOME !== undefined && env.HOME !== "" ? env.HOME : homedir(), ".gram");
}
