import Docker from "dockerode";
import { BacksideError } from "../errors.js";

/** A dockerode client (default: the engine DOCKER_HOST or the local socket names), after checking that it answers. */
export async function connectDocker(docker: Docker = new Docker()): Promise<Docker> {
  try {
    await docker.ping();
  } catch (e) {
    throw new BacksideError("ENVIRONMENT", "no Docker engine answers on this machine", {
      hint: "run `npm run setup` (starts dockerd), or start Docker and check DOCKER_HOST",
      cause: e,
    });
  }
  return docker;
}

/**
 * Which engine a client built with `new Docker()` talks to, for messages: dockerode reads
 * DOCKER_HOST (unix://, tcp:// with DOCKER_TLS_VERIFY and DOCKER_CERT_PATH, ssh://), else the
 * local socket.
 */
export function engineAddress(env: NodeJS.ProcessEnv = process.env): string {
  return env.DOCKER_HOST ? `DOCKER_HOST=${env.DOCKER_HOST}` : "the local socket";
}

/** An image's id and labels, or undefined when no image has that reference. */
export async function inspectImage(
  docker: Docker,
  ref: string,
): Promise<{ id: string; labels: Record<string, string> } | undefined> {
  try {
    const info = await docker.getImage(ref).inspect();
    return { id: info.Id, labels: info.Config?.Labels ?? {} };
  } catch (e) {
    if ((e as { statusCode?: number }).statusCode === 404) return undefined;
    throw new BacksideError("ENVIRONMENT", `cannot inspect image ${ref}: ${(e as Error).message}`, {
      cause: e,
    });
  }
}
