/**
 * The project's images. `base` is made from a debootstrap root file system (or from a public
 * image, see base-pins.ts); every role image is built FROM it with images/<role>/Dockerfile.
 * `nginx` and `haproxy` install Debian's package at build time from the base's mirror.
 */
export const IMAGE_NAMES = [
  "base",
  "gateway",
  "dns",
  "firewall",
  "backend",
  "client",
  "nginx",
  "haproxy",
] as const;
export type ImageName = (typeof IMAGE_NAMES)[number];
export type RoleName = Exclude<ImageName, "base">;

export interface RoleImage {
  name: RoleName;
  /** The stand-in program bundled from harness/src/standins/<name>/main.ts, if the role has one. */
  program: boolean;
}

export const ROLE_IMAGES: readonly RoleImage[] = [
  { name: "gateway", program: true },
  { name: "dns", program: true },
  { name: "firewall", program: false },
  { name: "backend", program: true },
  { name: "client", program: false },
  // Real gateways (Debian's packages) in the gateway's place: harness/src/gateways/.
  { name: "nginx", program: false },
  { name: "haproxy", program: false },
];

/**
 * The image reference every other part of the harness uses (`backside/<name>:latest`).
 * `BACKSIDE_IMAGE_REPO` replaces the `backside` part, so two checkouts with different stand-ins
 * (or a CI job beside a developer's runs) keep their images apart on one engine.
 */
export function imageRef(name: ImageName): string {
  return `${imageRepo()}/${name}:latest`;
}

export function imageRepo(): string {
  const repo = process.env.BACKSIDE_IMAGE_REPO?.trim();
  return repo && /^[a-z0-9][a-z0-9._/-]*$/.test(repo) ? repo : "backside";
}

export function isImageName(s: string): s is ImageName {
  return (IMAGE_NAMES as readonly string[]).includes(s);
}

/** Labels on every image we make; `backside clean` must not treat images as run leftovers. */
export const LABEL_PROJECT = "backside.project";
export const LABEL_IMAGE = "backside.image";
export const LABEL_INPUT_HASH = "backside.input-hash";
