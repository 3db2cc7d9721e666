import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { generate } from "selfsigned";

/**
 * A self-signed certificate for 127.0.0.1 and localhost, and where its PEM is on disk.
 *
 * @example
 * ```ts
 * const { key, cert, certPath }: TestCertificate = await testCertificate();
 * const https = await spawnEmulator({ rateLimit: false, chats: 1, https: { key, cert } });
 * const env = { NODE_EXTRA_CA_CERTS: certPath }; // for the official SDK's worker
 * ```
 */
export interface TestCertificate {
  key: string;
  cert: string;
  /** The certificate's file, for `NODE_EXTRA_CA_CERTS`. */
  certPath: string;
}

/**
 * Makes a throwaway certificate for the https emulator. The official SDK accepts only https
 * webhooks, so its figures need one; clients trust it through `ca` or `NODE_EXTRA_CA_CERTS`.
 *
 * @example
 * ```ts
 * const { key, cert, certPath } = await testCertificate();
 * ```
 */
export async function testCertificate(): Promise<TestCertificate> {
  const pems = await generate([{ name: "commonName", value: "127.0.0.1" }], {
    keyType: "ec",
    curve: "P-256",
    algorithm: "sha256",
    notAfterDate: new Date(Date.now() + 24 * 3600 * 1000),
    extensions: [
      { name: "basicConstraints", cA: true },
      {
        name: "subjectAltName",
        altNames: [
          { type: 7, ip: "127.0.0.1" },
          { type: 2, value: "localhost" },
        ],
      },
    ],
  });
  const dir = await mkdtemp(join(tmpdir(), "b24im-bench-"));
  const certPath = join(dir, "emulator-cert.pem");
  await writeFile(certPath, pems.cert);
  return { key: pems.private, cert: pems.cert, certPath };
}
