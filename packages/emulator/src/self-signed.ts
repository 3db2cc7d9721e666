import { generateKeyPairSync, randomBytes, sign } from "node:crypto";

// A minimal DER writer: just what one X.509 certificate needs. Node's crypto makes keys and
// signatures but no certificates, and the emulator takes no dependency for that.
function der(tag: number, content: Buffer): Buffer {
  const length = content.length;
  let header: Buffer;
  if (length < 0x80) header = Buffer.from([tag, length]);
  else {
    const bytes: number[] = [];
    for (let rest = length; rest > 0; rest >>= 8) bytes.unshift(rest & 0xff);
    header = Buffer.from([tag, 0x80 | bytes.length, ...bytes]);
  }
  return Buffer.concat([header, content]);
}

const sequence = (...items: Buffer[]) => der(0x30, Buffer.concat(items));
const set = (...items: Buffer[]) => der(0x31, Buffer.concat(items));
const octets = (content: Buffer) => der(0x04, content);
const utf8 = (text: string) => der(0x0c, Buffer.from(text, "utf8"));
const explicit = (n: number, content: Buffer) => der(0xa0 + n, content);

function oid(dotted: string): Buffer {
  const [first = 0, second = 0, ...rest] = dotted.split(".").map(Number);
  const bytes = [first * 40 + second];
  for (const arc of rest) {
    const chunk = [arc & 0x7f];
    for (let value = arc >> 7; value > 0; value >>= 7) chunk.unshift((value & 0x7f) | 0x80);
    bytes.push(...chunk);
  }
  return der(0x06, Buffer.from(bytes));
}

function positiveInteger(bytes: Buffer): Buffer {
  const content = (bytes[0] ?? 0) & 0x80 ? Buffer.concat([Buffer.from([0]), bytes]) : bytes;
  return der(0x02, content);
}

function time(date: Date): Buffer {
  const iso = date.toISOString().replace(/[-:T]/g, "").slice(0, 14);
  // UTCTime until 2049, GeneralizedTime after, as RFC 5280 says.
  return date.getUTCFullYear() < 2050
    ? der(0x17, Buffer.from(`${iso.slice(2)}Z`))
    : der(0x18, Buffer.from(`${iso}Z`));
}

function ipBytes(address: string): Buffer | undefined {
  if (/^\d+\.\d+\.\d+\.\d+$/.test(address)) return Buffer.from(address.split(".").map(Number));
  if (address === "::1") return Buffer.from([...new Array(15).fill(0), 1]);
  return undefined;
}

/**
 * A self-signed key pair for serving https locally: PEM strings for `startEmulator({ https })`.
 *
 * @example
 * ```ts
 * const { key, cert }: SelfSignedPair = selfSignedCertificate();
 * ```
 */
export interface SelfSignedPair {
  key: string;
  cert: string;
}

/**
 * Makes a self-signed ECDSA P-256 certificate (valid for a year, from a day ago) for `hosts`:
 * DNS names and IPv4 addresses (or `::1`) go into its subject alternative names, the first into
 * its common name. A client trusts it by taking `cert` as its CA.
 *
 * @example
 * ```ts
 * const https = selfSignedCertificate(["localhost", "127.0.0.1"]);
 * const emulator = await startEmulator({ https });
 * // a client: new Agent({ connect: { ca: https.cert } })
 * ```
 */
export function selfSignedCertificate(
  hosts: readonly string[] = ["localhost", "127.0.0.1", "::1"],
  now: Date = new Date(),
): SelfSignedPair {
  const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "prime256v1" });
  const ecdsaWithSha256 = sequence(oid("1.2.840.10045.4.3.2"));
  const name = sequence(set(sequence(oid("2.5.4.3"), utf8(hosts[0] ?? "localhost"))));
  const altNames = hosts.map((host) => {
    const ip = ipBytes(host);
    return ip === undefined ? der(0x82, Buffer.from(host)) : der(0x87, ip);
  });
  const extensions = explicit(
    3,
    sequence(
      sequence(oid("2.5.29.17"), octets(sequence(...altNames))),
      // Basic constraints, critical: an end certificate, no CA.
      sequence(oid("2.5.29.19"), der(0x01, Buffer.from([0xff])), octets(sequence())),
    ),
  );
  const day = 24 * 3600 * 1000;
  const tbs = sequence(
    explicit(0, der(0x02, Buffer.from([2]))),
    positiveInteger(randomBytes(16)),
    ecdsaWithSha256,
    name,
    sequence(time(new Date(now.getTime() - day)), time(new Date(now.getTime() + 365 * day))),
    name,
    publicKey.export({ type: "spki", format: "der" }),
    extensions,
  );
  const signature = sign("sha256", tbs, privateKey);
  const certificate = sequence(
    tbs,
    ecdsaWithSha256,
    der(0x03, Buffer.concat([Buffer.from([0]), signature])),
  );
  const base64 = certificate.toString("base64").replace(/.{64}/g, "$&\n");
  return {
    key: String(privateKey.export({ type: "pkcs8", format: "pem" })),
    cert: `-----BEGIN CERTIFICATE-----\n${base64.trimEnd()}\n-----END CERTIFICATE-----\n`,
  };
}
