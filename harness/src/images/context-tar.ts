import { createReadStream, statSync } from "node:fs";
import { pack, type Pack } from "tar-stream";

/** One file of a build context: either bytes in memory or a file on disk (streamed, not read). */
export interface ContextFile {
  /** Path inside the context, with forward slashes (`build/gateway.mjs`). */
  path: string;
  content?: Buffer;
  file?: string;
  mode?: number;
}

/**
 * A tar stream of the given files, for `docker.buildImage`. Only the listed files go in (never a
 * whole folder), so the context is exactly what the input hash covers. Times are fixed at 0:
 * Docker's build cache compares contents, and we do not want a touch to matter.
 */
export function contextTar(files: readonly ContextFile[]): Pack {
  const p = pack();
  void (async () => {
    try {
      for (const f of files) await addEntry(p, f);
      p.finalize();
    } catch (e) {
      p.destroy(e as Error);
    }
  })();
  return p;
}

async function addEntry(p: Pack, f: ContextFile): Promise<void> {
  const header = { name: f.path, mode: f.mode ?? 0o644, mtime: new Date(0) };
  if (f.content !== undefined) {
    await new Promise<void>((resolve, reject) =>
      p.entry({ ...header, size: f.content!.length }, f.content!, (err) => (err ? reject(err) : resolve())),
    );
    return;
  }
  if (f.file === undefined) throw new TypeError(`context file ${f.path} has neither content nor file`);
  const size = statSync(f.file).size;
  const file = f.file;
  // The entry's callback fires once all `size` bytes went in: that, not the read stream's end, is
  // when the next entry may start.
  await new Promise<void>((resolve, reject) => {
    const entry = p.entry({ ...header, size }, (err) => (err ? reject(err) : resolve()));
    createReadStream(file).on("error", reject).pipe(entry);
  });
}
