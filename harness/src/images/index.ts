// Public API of the image builder (see harness/ARCHITECTURE.md "images/").
export {
  IMAGE_NAMES,
  ROLE_IMAGES,
  imageRef,
  isImageName,
  LABEL_INPUT_HASH,
  LABEL_IMAGE,
  LABEL_PROJECT,
} from "./catalog.js";
export type { ImageName, RoleName, RoleImage } from "./catalog.js";
export { buildImages, formatOutcome } from "./build-images.js";
export type { BuildOptions, ImageOutcome } from "./build-images.js";
export { listImages } from "./list-images.js";
export type { ImageInfo } from "./list-images.js";
export { connectDocker, inspectImage } from "./docker-client.js";
export { inputHash, decideBuild } from "./input-hash.js";
export type { HashPart, BuildDecision } from "./input-hash.js";
export { BASE_SUITE, BASE_PACKAGES, detectMirror } from "./base-pins.js";
export { repoRoot } from "./repo-root.js";
