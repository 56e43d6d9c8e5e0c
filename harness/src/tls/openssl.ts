import { execFile } from "node:child_process";
import { BacksideError } from "../errors.js";

/** Runs the `openssl` CLI with a bounded time; failures carry its stderr. */
export function openssl(args: string[], cwd: string, timeoutMs = 20_000): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile("openssl", args, { cwd, timeout: timeoutMs }, (err, stdout, stderr) => {
      if (!err) return resolve(stdout);
      const missing = (err as NodeJS.ErrnoException).code === "ENOENT";
      reject(
        new BacksideError(
          missing ? "ENVIRONMENT" : "RUNTIME",
          `openssl ${args[0]} failed: ${missing ? "openssl not on PATH" : stderr.trim().split("\n").slice(-2).join(" ")}`,
          {
            cause: err,
            details: { args },
          },
        ),
      );
    });
  });
}

/** `openssl ca -startdate/-enddate` take ASN.1 GeneralizedTime: YYYYMMDDHHMMSSZ. */
export function asn1Time(d: Date): string {
  return d
    .toISOString()
    .replace(/[-:T]/g, "")
    .replace(/\.\d+Z$/, "Z");
}
