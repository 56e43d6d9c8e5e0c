/** testcontainers with this project's environment defaults applied first (ENVIRONMENT.md traps). */
import "./testcontainers-env.js";
export { GenericContainer, Wait } from "testcontainers";
export type { StartedTestContainer } from "testcontainers";
