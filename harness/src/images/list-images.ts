import type Docker from "dockerode";
import { IMAGE_NAMES, imageRef, LABEL_INPUT_HASH, type ImageName } from "./catalog.js";
import { inspectImage } from "./docker-client.js";

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
    const found = await inspectImage(docker, ref);
    if (!found) {
      out.push({ name, ref });
      continue;
    }
    const info = await docker.getImage(ref).inspect();
    out.push({ name, ref, id: found.id, sizeBytes: info.Size, created: info.Created, inputHash: found.labels[LABEL_INPUT_HASH] });
  }
  return out;
}
