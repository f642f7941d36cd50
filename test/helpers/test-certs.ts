/**
 * Certificates for TLS / WSS tests, made at run time with the `openssl` command line in a temporary folder
 * (nothing secret is stored in the repository). One call makes the whole set:
 * - `ca`: a test CA (the client's -tls_ca);
 * - `server`: signed by the CA for 127.0.0.1 and localhost — trusted, right name;
 * - `wrongName`: signed by the CA for other.invalid only — trusted, wrong name (hostname mismatch);
 * - `expired`: signed by the CA for 127.0.0.1 / localhost, valid until yesterday;
 * - `selfSigned`: its own issuer, for 127.0.0.1 / localhost — never trusted.
 * Keys are P-256 (fast to make). `cleanup()` removes the folder.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface CertFiles {
  /** PEM certificate path. */
  readonly cert: string;
  /** PEM private key path (unencrypted). */
  readonly key: string;
}

export interface TestCerts {
  readonly dir: string;
  readonly ca: CertFiles;
  readonly server: CertFiles;
  readonly wrongName: CertFiles;
  readonly expired: CertFiles;
  readonly selfSigned: CertFiles;
  cleanup(): void;
}

const KEY_OPTS = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];
const LOCAL_SAN = "subjectAltName=IP:127.0.0.1,DNS:localhost";

function openssl(dir: string, args: readonly string[]): void {
  // stdio ignored: openssl prints progress on stderr; a failure throws with its exit status.
  execFileSync("openssl", args, { cwd: dir, stdio: ["ignore", "ignore", "pipe"], timeout: 30_000 });
}

/** A CSR and key, signed by the CA for `days` (negative: already expired) with the given subjectAltName. */
function signed(dir: string, name: string, san: string, days: number): CertFiles {
  const key = join(dir, `${name}.key`);
  const cert = join(dir, `${name}.crt`);
  const csr = join(dir, `${name}.csr`);
  const ext = join(dir, `${name}.ext`);
  writeFileSync(ext, `${san}\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth,clientAuth\n`);
  openssl(dir, ["req", ...KEY_OPTS, "-keyout", key, "-out", csr, "-subj", `/CN=${name}`]);
  openssl(dir, [
    "x509",
    "-req",
    "-in",
    csr,
    "-CA",
    "ca.crt",
    "-CAkey",
    "ca.key",
    "-CAcreateserial",
    "-days",
    String(days),
    "-extfile",
    ext,
    "-out",
    cert,
  ]);
  return { cert, key };
}

/** Makes the certificate set in a fresh temporary folder (about a second on a busy machine). */
export function makeTestCerts(): TestCerts {
  const dir = mkdtempSync(join(tmpdir(), "sipwright-certs-"));
  try {
    openssl(dir, [
      "req",
      "-x509",
      ...KEY_OPTS,
      "-keyout",
      "ca.key",
      "-out",
      "ca.crt",
      "-days",
      "2",
      "-subj",
      "/CN=sipwright test CA",
      "-addext",
      "basicConstraints=critical,CA:TRUE",
      "-addext",
      "keyUsage=critical,keyCertSign,cRLSign",
    ]);
    const server = signed(dir, "server", LOCAL_SAN, 2);
    const wrongName = signed(dir, "wrong-name", "subjectAltName=DNS:other.invalid", 2);
    const expired = signed(dir, "expired", LOCAL_SAN, -1);
    openssl(dir, [
      "req",
      "-x509",
      ...KEY_OPTS,
      "-keyout",
      "self-signed.key",
      "-out",
      "self-signed.crt",
      "-days",
      "2",
      "-subj",
      "/CN=self-signed",
      "-addext",
      LOCAL_SAN,
    ]);
    return {
      dir,
      ca: { cert: join(dir, "ca.crt"), key: join(dir, "ca.key") },
      server,
      wrongName,
      expired,
      selfSigned: { cert: join(dir, "self-signed.crt"), key: join(dir, "self-signed.key") },
      cleanup: () => rmSync(dir, { recursive: true, force: true }),
    };
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}
