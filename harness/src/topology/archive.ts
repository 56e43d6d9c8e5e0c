import type Docker from "dockerode";
import * as tar from "tar-stream";
import { BacksideError } from "../errors.js";

export interface FileSpec {
  /** Absolute path inside the container. */
  path: string;
  content: string | Buffer;
  /** Default 0o644. */
  mode?: number;
}

/** Reads one regular file out of a container (getArchive gives a tar of it). */
export async function copyFileOut(container: Docker.Container, path: string): Promise<Buffer> {
  let stream: NodeJS.ReadableStream;
  try {
    stream = await container.getArchive({ path });
  } catch (e) {
    const status = (e as { statusCode?: number }).statusCode;
    throw new BacksideError(
      status === 404 ? "NOT_FOUND" : "RUNTIME",
      `cannot copy ${path} out of the container`,
      { cause: e },
    );
  }
  const extract = tar.extract();
  let found: Buffer | undefined;
  const done = new Promise<void>((resolve, reject) => {
    extract.on("entry", (header, entry, next) => {
      const chunks: Buffer[] = [];
      entry.on("data", (c: unknown) => {
        chunks.push(c as Buffer);
      });
      entry.on("end", () => {
        if (found === undefined && header.type === "file") found = Buffer.concat(chunks);
        next();
      });
      entry.resume();
    });
    extract.on("finish", resolve);
    extract.on("error", reject);
  });
  stream.pipe(extract);
  await done;
  if (found === undefined)
    throw new BacksideError("NOT_FOUND", `${path} in the container is not a regular file`);
  return found;
}

/** Writes files into a container (created or running) with one putArchive at `/`. */
export async function copyFilesIn(container: Docker.Container, files: FileSpec[]): Promise<void> {
  if (files.length === 0) return;
  const pack = tar.pack();
  for (const f of files) {
    if (!f.path.startsWith("/")) throw new BacksideError("USAGE", `file path '${f.path}' must be absolute`);
    const content = typeof f.content === "string" ? Buffer.from(f.content) : f.content;
    pack.entry({ name: f.path.slice(1), mode: f.mode ?? 0o644, size: content.length }, content);
  }
  pack.finalize();
  const chunks: Buffer[] = [];
  for await (const c of pack) chunks.push(c as Buffer);
  await container.putArchive(Buffer.concat(chunks), { path: "/" });
}

/** Splits Docker's multiplexed log/attach format (8-byte frame headers) when there is no TTY. */
export function demuxLogs(buf: Buffer): { stdout: string; stderr: string } {
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  let off = 0;
  while (off + 8 <= buf.length) {
    const kind = buf[off];
    const size = buf.readUInt32BE(off + 4);
    const body = buf.subarray(off + 8, off + 8 + size);
    (kind === 2 ? err : out).push(body);
    off += 8 + size;
  }
  return { stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString() };
}
