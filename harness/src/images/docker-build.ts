import type Docker from "dockerode";
import { BacksideError } from "../errors.js";
import { contextTar, type ContextFile } from "./context-tar.js";

export interface BuildRequest {
  tag: string;
  files: readonly ContextFile[];
  labels: Record<string, string>;
  buildargs?: Record<string, string>;
  /** Each line of the builder's output (for --verbose); errors are reported either way. */
  onLine?: (line: string) => void;
}

interface BuildEvent {
  stream?: string;
  error?: string;
  errorDetail?: { message?: string };
  aux?: { ID?: string };
}

/**
 * Builds one image with the engine's classic builder (`POST /build`), which every engine from
 * 20.10 on has and which never pulls a `FROM` image that exists locally. The builder reports a
 * failed step inside the JSON stream, not as an HTTP error, so the stream is read to the end and
 * its error turned into a BacksideError carrying the last lines of output.
 */
export async function buildImage(docker: Docker, req: BuildRequest): Promise<string> {
  // tar-stream's pack is a streamx Readable; dockerode only needs its pipe().
  const context = contextTar(req.files) as unknown as NodeJS.ReadableStream;
  const stream: NodeJS.ReadableStream = await docker.buildImage(context, {
    t: req.tag,
    labels: req.labels,
    buildargs: req.buildargs ?? {},
    rm: true,
    forcerm: true,
    // The classic builder: BuildKit sessions are not available through this API call.
    version: "1",
  } as Docker.ImageBuildOptions);
  const tail: string[] = [];
  let id: string | undefined;
  let failure: string | undefined;
  await new Promise<void>((resolve, reject) => {
    docker.modem.followProgress(
      stream,
      (err: Error | null) => (err ? reject(err) : resolve()),
      (ev: BuildEvent) => {
        if (ev.stream) {
          for (const line of ev.stream.split("\n")) {
            if (!line.trim()) continue;
            tail.push(line);
            if (tail.length > 15) tail.shift();
            req.onLine?.(line);
          }
        }
        if (ev.aux?.ID) id = ev.aux.ID;
        if (ev.error || ev.errorDetail) failure = ev.errorDetail?.message ?? ev.error;
      },
    );
  }).catch((e: unknown) => {
    failure ??= (e as Error).message;
  });
  if (failure !== undefined || id === undefined) {
    throw new BacksideError(
      "RUNTIME",
      `building ${req.tag} failed: ${failure ?? "the builder reported no image id"}`,
      {
        details: { output: tail.join("\n") },
      },
    );
  }
  return id;
}
