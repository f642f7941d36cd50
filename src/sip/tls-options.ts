/**
 * TLS settings shared by SIP over TLS (`-t l1` / `ln`, RFC 3261 26.2.1) and secure WebSocket (RFC 7118): the
 * SIPp options -tls_cert, -tls_key, -tls_ca, -tls_version, plus SNI and the lab switch that turns certificate
 * verification off. Also the one place that turns Node's TLS / socket error codes into the reason a
 * `transport_error` names.
 */
import { isIP } from "node:net";
import type { ConnectionOptions, SecureVersion, TlsOptions } from "node:tls";
import { ConfigError } from "../shared/errors.js";
import { INPUT_FILES, readInputFile } from "../shared/input-files.js";

export type TlsMinVersion = "1.2" | "1.3";

export interface TlsSettings {
  /** -tls_cert: PEM certificate (chain) file; the server's certificate, or the client's when the server asks. */
  readonly certFile?: string | undefined;
  /** -tls_key: PEM private key file of certFile. */
  readonly keyFile?: string | undefined;
  /** -tls_ca: PEM file of trusted CAs (client: instead of Node's bundle; server: for client certificates). */
  readonly caFile?: string | undefined;
  /** -tls_version: the lowest TLS version accepted (default 1.2). */
  readonly minVersion?: TlsMinVersion | undefined;
  /** --tls-servername: SNI and the name checked; default the remote host when it is a name (never an IP). */
  readonly servername?: string | undefined;
  /** --tls-insecure: a client accepts any server certificate (lab use only). */
  readonly insecure?: boolean | undefined;
  /** --tls-client-cert: a server asks the client for a certificate and requires one signed by caFile. */
  readonly requestClientCert?: boolean | undefined;
}

const NODE_VERSION: Record<TlsMinVersion, SecureVersion> = { "1.2": "TLSv1.2", "1.3": "TLSv1.3" };

/** -tls_version when none is given. */
export const DEFAULT_TLS_MIN_VERSION: TlsMinVersion = "1.2";

function readPem(option: string, path: string | undefined): Buffer | undefined {
  if (path === undefined) return undefined;
  try {
    return readInputFile(path, INPUT_FILES.tls);
  } catch (error) {
    throw new ConfigError(`${option}: cannot read '${path}': ${error instanceof Error ? error.message : ""}`);
  }
}

/** node:tls server options. A TLS server needs -tls_cert and -tls_key; throws ConfigError otherwise. */
export function tlsServerOptions(settings: TlsSettings): TlsOptions {
  if (settings.certFile === undefined || settings.keyFile === undefined) {
    throw new ConfigError("a TLS server needs -tls_cert FILE and -tls_key FILE");
  }
  const options: TlsOptions = {
    cert: readPem("-tls_cert", settings.certFile),
    key: readPem("-tls_key", settings.keyFile),
    minVersion: NODE_VERSION[settings.minVersion ?? DEFAULT_TLS_MIN_VERSION],
  };
  const ca = readPem("-tls_ca", settings.caFile);
  if (ca !== undefined) options.ca = ca;
  if (settings.requestClientCert === true) {
    options.requestCert = true;
    options.rejectUnauthorized = true;
  }
  return options;
}

/**
 * node:tls client options for a connection to `host` (as typed: a name or an IP). Verification is on unless
 * `insecure`; SNI (RFC 6066 3: "Literal IPv4 and IPv6 addresses are not permitted") only for a name.
 */
export function tlsClientOptions(settings: TlsSettings, host: string): ConnectionOptions {
  const options: ConnectionOptions = {
    minVersion: NODE_VERSION[settings.minVersion ?? DEFAULT_TLS_MIN_VERSION],
    rejectUnauthorized: settings.insecure !== true,
  };
  const servername = settings.servername ?? (isIP(host) === 0 ? host : undefined);
  if (servername !== undefined && isIP(servername) === 0) options.servername = servername;
  const ca = readPem("-tls_ca", settings.caFile);
  if (ca !== undefined) options.ca = ca;
  // A client certificate is offered when both files are given (mutual TLS).
  if (settings.certFile !== undefined && settings.keyFile !== undefined) {
    options.cert = readPem("-tls_cert", settings.certFile);
    options.key = readPem("-tls_key", settings.keyFile);
  }
  return options;
}

/** OpenSSL verification codes (as Node reports them in error.code) and what they mean for the user. */
const VERIFY_REASONS: Record<string, string> = {
  DEPTH_ZERO_SELF_SIGNED_CERT: "self-signed certificate",
  SELF_SIGNED_CERT_IN_CHAIN: "self-signed certificate in the chain",
  CERT_HAS_EXPIRED: "certificate has expired",
  CERT_NOT_YET_VALID: "certificate is not yet valid",
  ERR_TLS_CERT_ALTNAME_INVALID: "hostname mismatch",
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: "certificate issuer not trusted",
  UNABLE_TO_GET_ISSUER_CERT: "certificate issuer not trusted",
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: "certificate issuer not trusted",
  CERT_REVOKED: "certificate revoked",
  CERT_SIGNATURE_FAILURE: "certificate signature invalid",
  CERT_UNTRUSTED: "certificate not trusted",
};

const SOCKET_REASONS: Record<string, string> = {
  ECONNREFUSED: "connection refused",
  ECONNRESET: "connection reset by peer",
  EPIPE: "connection closed by peer",
  ETIMEDOUT: "connection timed out",
  EHOSTUNREACH: "host unreachable",
  ENETUNREACH: "network unreachable",
  ERR_SSL_WRONG_VERSION_NUMBER: "TLS handshake failed: the peer does not speak TLS",
  ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION: "TLS handshake failed: no common TLS version",
  ERR_SSL_UNSUPPORTED_PROTOCOL: "TLS handshake failed: no common TLS version",
  ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED: "TLS handshake failed: the server requires a client certificate",
};

/**
 * The reason a connection failed or was lost, for a `transport_error`: "TLS certificate verification failed:
 * self-signed certificate (DEPTH_ZERO_SELF_SIGNED_CERT)", "connection refused (ECONNREFUSED)", ... An error
 * without a known code keeps Node's message; no error at all is a clean close by the peer.
 */
export function describeConnectionError(error: Error | undefined): string {
  if (error === undefined) return "connection closed by peer";
  const code = (error as NodeJS.ErrnoException).code;
  // Our own connect error already names the peer and the reason.
  if (code === undefined || code === "CONNECT_FAILED") return error.message;
  const verify = VERIFY_REASONS[code];
  if (verify !== undefined) return `TLS certificate verification failed: ${verify} (${code})`;
  const reason = SOCKET_REASONS[code];
  if (reason !== undefined) return `${reason} (${code})`;
  return `${error.message} (${code})`;
}
