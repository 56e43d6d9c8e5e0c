// Evaluated before testcontainers itself (see ./testcontainers.ts): no registry is reachable,
// so Ryuk cannot be pulled (our own labels and `backside clean` do its job), and /.dockerenv
// on these hosts would make testcontainers start an alpine container just to find the host.
process.env.TESTCONTAINERS_RYUK_DISABLED ??= "true";
process.env.TESTCONTAINERS_HOST_OVERRIDE ??= "localhost";
export {};
