import type Docker from "dockerode";
import { IMAGE_NAMES, imageRef, LABEL_INPUT_HASH, type ImageName } from "./catalog.js";

export interface ImageInfo {
  name: ImageName;
  ref: string;
  /** Undefined when the image has not been built. */
  id?: string;
  sizeBytes?: number;
  created?: string;
  inputHash?: string;
}

/** Every project image, built or not, in build order. */
export async function listImages(docker: Docker): Promise<ImageInfo[]> {
  const out: ImageInfo[] = [];
  for (const name of IMAGE_NAMES) {
    const ref = imageRef(name);
    const info = await docker
      .getImage(ref)
      .inspect()
      .catch((e: { statusCode?: number }) => {
        if (e.statusCode === 404) return undefined;
        throw e;
      });
    out.push(
      info
        ? {
            name,
            ref,
            id: info.Id,
            sizeBytes: info.Size,
            created: info.Created,
            inputHash: info.Config?.Labels?.[LABEL_INPUT_HASH],
          }
        : { name, ref },
    );
  }
  return out;
}
