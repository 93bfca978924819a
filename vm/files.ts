// Where the files shipped with the VM (the standard contracts' assembly) are on disk. Resolved
// from a module one folder deep, so the same path holds when it runs from its sources (vm/*.ts)
// and from the bundle (build/*.js, cli/bundle): both are one folder below the project's root.
export const VM_DIR = new URL("../vm/", import.meta.url);
