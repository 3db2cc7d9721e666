import { createPrivateKey, X509Certificate } from "node:crypto";
import { request } from "node:https";
import { describe, expect, it } from "vitest";
import { selfSignedCertificate } from "./self-signed.js";
import { startEmulator } from "./server.js";

function getOverHttps(url: string, ca: string, servername: string) {
  return new Promise<number>((resolve, reject) => {
    const req = request(url, { ca, servername, method: "POST" }, (res) => {
      res.resume();
      res.on("end", () => resolve(res.statusCode ?? 0));
    });
    req.on("error", reject);
    req.end();
  });
}

describe("selfSignedCertificate", () => {
  it("makes a certificate Node parses, signed by its own key", () => {
    const { key, cert } = selfSignedCertificate(["localhost", "127.0.0.1"]);
    const x509 = new X509Certificate(cert);
    expect(x509.subject).toBe("CN=localhost");
    expect(x509.subjectAltName).toBe("DNS:localhost, IP Address:127.0.0.1");
    expect(x509.verify(x509.publicKey)).toBe(true);
    expect(x509.checkPrivateKey(createPrivateKey(key))).toBe(true);
    expect(x509.ca).toBe(false);
    expect(new Date(x509.validTo).getTime()).toBeGreaterThan(Date.now() + 300 * 24 * 3600e3);
  });

  it("serves https that a client trusting the certificate verifies, by IP and by name", async () => {
    const https = selfSignedCertificate();
    const emulator = await startEmulator({ https });
    const url = `${emulator.webhookUrl()}server.time`;
    expect(await getOverHttps(url, https.cert, "localhost")).toBe(200);
    expect(await getOverHttps(url, https.cert, "")).toBe(200);
    // Another certificate is not trusted.
    const other = selfSignedCertificate().cert;
    await expect(getOverHttps(url, other, "localhost")).rejects.toThrow();
    await emulator.close();
  });
});
