"""A stand-in for IAM Identity Center on loopback, for `cargo xtask interop` (moto has
no SSO portal): the portal's GetRoleCredentials, SSO-OIDC's CreateToken (the
refresh_token grant and the device code grant), RegisterClient and
StartDeviceAuthorization. Python's standard library only; 127.0.0.1 only.

usage:
  sso_server.py fixture SPEC SEED SECRETS
      writes the token files SPEC describes under ~/.aws/sso/cache (as the aws CLI
      names and writes them), the server's SEED, and every token, refresh token and
      client secret it made up, one a line, to SECRETS (to look for in error messages)
  sso_server.py serve PORT LOG SEED
      serves on 127.0.0.1:PORT and appends a line to LOG for each request:
      `METHOD PATH grant=GRANT label=LABEL status=STATUS` (never a token)

SPEC has a token a line: `CACHE_KEY START_URL LABEL SECONDS_LEFT REFRESH PORTAL`.
CACHE_KEY is the session name (or, in the legacy form, the start URL) whose SHA-1 names
the file; REFRESH is `yes` (the file has a refresh token SSO-OIDC takes), `refused` (one
it refuses, invalid_grant) or `no` (no refresh token or client registration, as in the
legacy form); PORTAL is `known` or `revoked` (the portal refuses the access token, 401).
Each file also has a field no SDK knows, `interopUnknownField`, so that a check can see
whether a program that writes the file back keeps it.

Every access token has a label: a seeded one that of its SPEC line, one issued by a
refresh `<LABEL of the refresh token's chain><n>` (the n-th of that chain: BYCREDS1),
one issued by a device login `DEVICE<n>`. The role credentials of a token are a
function of the token, the account and the role, so that every client given the same
token gets the same credentials: the access key id is `ASIA<label>`, the secret and
session token come from SHA-256 of (token, account, role), and they expire when the
token does (its expiry as the server keeps it, in epoch milliseconds). An issued token
is good for an hour (`expiresIn` 3600). A refused refresh token is echoed in the
error's `error_description`, so that a check sees that no client shows it.
"""
import hashlib
import json
import secrets
import sys
import threading
import time
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

REGION = "us-east-1"
TOKEN_LIFETIME_S = 3600
REGISTRATION_LIFETIME_S = 90 * 24 * 3600
DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code"
# How many times a device code is answered authorization_pending before its token.
PENDING_POLLS = 2
UNKNOWN_FIELD = "interopUnknownField"


def now_ms():
    return int(time.time() * 1000)


def iso(ms):
    """botocore's and the aws CLI's `%Y-%m-%dT%H:%M:%SZ` (whole seconds, UTC)."""
    return datetime.fromtimestamp(ms // 1000, timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def fixture(spec_path, seed_path, secrets_path):
    seed = {"clients": {}, "refresh": {}, "access": {}}
    made_up = []
    cache = Path.home() / ".aws" / "sso" / "cache"
    cache.mkdir(parents=True, exist_ok=True)
    start = now_ms()
    for line in Path(spec_path).read_text().splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        key, start_url, label, left, refresh, portal = line.split()
        expires_ms = start + int(left) * 1000
        access = f"aoa-{label.lower()}-{secrets.token_hex(24)}"
        doc = {
            "startUrl": start_url,
            "region": REGION,
            "accessToken": access,
            "expiresAt": iso(expires_ms),
        }
        seed["access"][access] = {
            "label": label,
            "expires_ms": expires_ms,
            "revoked": portal == "revoked",
        }
        made_up.append(access)
        if refresh in ("yes", "refused"):
            client_id = f"cid-{label.lower()}"
            client_secret = f"cs-{label.lower()}-{secrets.token_hex(24)}"
            refresh_token = f"aor-{label.lower()}-{secrets.token_hex(24)}"
            doc.update(
                {
                    "clientId": client_id,
                    "clientSecret": client_secret,
                    "registrationExpiresAt": iso(start + REGISTRATION_LIFETIME_S * 1000),
                    "refreshToken": refresh_token,
                }
            )
            seed["clients"][client_id] = client_secret
            seed["refresh"][refresh_token] = {
                "client": client_id,
                "chain": label,
                "valid": refresh == "yes",
            }
            made_up += [client_secret, refresh_token]
        doc[UNKNOWN_FIELD] = "a field no SDK knows, kept by a writer that keeps them"
        name = hashlib.sha1(key.encode()).hexdigest() + ".json"
        (cache / name).write_text(json.dumps(doc, indent=2))
        (cache / name).chmod(0o600)
    Path(seed_path).write_text(json.dumps(seed))
    Path(secrets_path).write_text("".join(s + "\n" for s in made_up))


class State:
    """What the server knows, behind one lock: clients, refresh tokens, access tokens,
    pending device codes, and how many tokens each chain was issued."""

    def __init__(self, seed, log_path, port):
        self.lock = threading.Lock()
        self.clients = dict(seed["clients"])
        self.refresh = dict(seed["refresh"])
        self.access = dict(seed["access"])
        self.devices = {}
        self.issued = {}
        self.registered = 0
        self.port = port
        self.log_file = open(log_path, "a", encoding="utf-8")

    def log(self, line):
        self.log_file.write(line + "\n")
        self.log_file.flush()

    def issue(self, client_id, chain):
        """A new access token and refresh token of `chain` (the lock held)."""
        n = self.issued.get(chain, 0) + 1
        self.issued[chain] = n
        label = f"{chain}{n}"
        access = f"aoa-{label.lower()}-{secrets.token_hex(24)}"
        refresh = f"aor-{label.lower()}-{secrets.token_hex(24)}"
        self.access[access] = {
            "label": label,
            "expires_ms": now_ms() + TOKEN_LIFETIME_S * 1000,
            "revoked": False,
        }
        self.refresh[refresh] = {"client": client_id, "chain": chain, "valid": True}
        return {
            "accessToken": access,
            "tokenType": "Bearer",
            "expiresIn": TOKEN_LIFETIME_S,
            "refreshToken": refresh,
        }


def role_credentials(token, record, account, role):
    digest = hashlib.sha256(f"{token}\0{account}\0{role}".encode()).hexdigest()
    return {
        "roleCredentials": {
            "accessKeyId": f"ASIA{record['label']}",
            "secretAccessKey": digest[:40],
            "sessionToken": f"IQoJinterop{digest}",
            "expiration": record["expires_ms"],
        }
    }


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "interop-sso"
    state = None  # set by serve()

    def log_message(self, format, *args):  # the LOG file has what matters
        pass

    def reply(self, status, doc, *, grant="-", label="-", error_type=None):
        path = urlsplit(self.path).path
        self.state.log(f"{self.command} {path} grant={grant} label={label} status={status}")
        body = json.dumps(doc).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("x-amzn-RequestId", secrets.token_hex(16))
        if error_type:
            self.send_header("x-amzn-ErrorType", error_type)
        self.end_headers()
        self.wfile.write(body)

    def body(self):
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            data = b""
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    self.rfile.readline()
                    return data
                data += self.rfile.read(size)
                self.rfile.readline()
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def do_GET(self):
        url = urlsplit(self.path)
        if url.path != "/federation/credentials":
            return self.reply(404, {"message": "no such operation"}, error_type="ResourceNotFoundException")
        query = parse_qs(url.query)
        account = (query.get("account_id") or [""])[0]
        role = (query.get("role_name") or [""])[0]
        token = self.headers.get("x-amz-sso_bearer_token", "")
        with self.state.lock:
            record = self.state.access.get(token)
        label = record["label"] if record else "-"
        if record is None or record["revoked"] or now_ms() >= record["expires_ms"]:
            return self.reply(
                401,
                {"message": "Session token not found or invalid"},
                label=label,
                error_type="UnauthorizedException",
            )
        if not (account.isdigit() and len(account) == 12) or not role:
            return self.reply(
                400,
                {"message": "account_id and role_name are required"},
                label=label,
                error_type="InvalidRequestException",
            )
        self.reply(200, role_credentials(token, record, account, role), label=label)

    def do_POST(self):
        path = urlsplit(self.path).path
        try:
            doc = json.loads(self.body() or b"{}")
            if not isinstance(doc, dict):
                raise ValueError("not an object")
        except ValueError:
            return self.reply(400, {"error": "invalid_request"}, error_type="InvalidRequestException")
        if path == "/token":
            return self.create_token(doc)
        if path == "/client/register":
            return self.register_client(doc)
        if path == "/device_authorization":
            return self.start_device_authorization(doc)
        if path == "/logout":
            return self.reply(200, {})
        self.reply(404, {"message": "no such operation"}, error_type="ResourceNotFoundException")

    def client_ok(self, doc):
        client_id, secret = doc.get("clientId"), doc.get("clientSecret")
        return bool(secret) and self.state.clients.get(client_id) == secret

    def create_token(self, doc):
        grant = doc.get("grantType") or "-"
        state = self.state
        with state.lock:
            if grant == "refresh_token":
                record = state.refresh.get(doc.get("refreshToken"))
                label = record["chain"] if record else "-"
                if not self.client_ok(doc):
                    return self.invalid_client(grant, label)
                if record is None or not record["valid"] or record["client"] != doc.get("clientId"):
                    # The refused token echoed back, as a careless service might: the
                    # clients must not show it.
                    echoed = f"Invalid refresh token provided: {doc.get('refreshToken')}"
                    return self.reply(
                        400,
                        {"error": "invalid_grant", "error_description": echoed},
                        grant=grant,
                        label=label,
                        error_type="InvalidGrantException",
                    )
                # Rotated: a refresh token is good for one refresh.
                del state.refresh[doc["refreshToken"]]
                return self.reply(200, state.issue(doc["clientId"], record["chain"]), grant=grant, label=label)
            if grant == DEVICE_GRANT:
                if not self.client_ok(doc):
                    return self.invalid_client(grant, "DEVICE")
                device = state.devices.get(doc.get("deviceCode"))
                if device is None or device["client"] != doc.get("clientId"):
                    return self.reply(
                        400,
                        {"error": "invalid_grant", "error_description": "Invalid device code provided"},
                        grant=grant,
                        label="DEVICE",
                        error_type="InvalidGrantException",
                    )
                if device["pending"] > 0:
                    device["pending"] -= 1
                    return self.reply(
                        400,
                        {"error": "authorization_pending", "error_description": "Authorization is still pending"},
                        grant=grant,
                        label="DEVICE",
                        error_type="AuthorizationPendingException",
                    )
                del state.devices[doc["deviceCode"]]
                return self.reply(200, state.issue(doc["clientId"], "DEVICE"), grant=grant, label="DEVICE")
        self.reply(
            400,
            {"error": "unsupported_grant_type"},
            grant=grant,
            error_type="UnsupportedGrantTypeException",
        )

    def invalid_client(self, grant, label):
        self.reply(
            401,
            {"error": "invalid_client", "error_description": "Invalid client provided"},
            grant=grant,
            label=label,
            error_type="InvalidClientException",
        )

    def register_client(self, doc):
        if doc.get("clientType") != "public" or not doc.get("clientName"):
            return self.reply(400, {"error": "invalid_request"}, error_type="InvalidRequestException")
        state = self.state
        with state.lock:
            state.registered += 1
            client_id = f"cid-registered-{state.registered}"
            secret = f"cs-registered-{secrets.token_hex(24)}"
            state.clients[client_id] = secret
        issued = int(time.time())
        self.reply(
            200,
            {
                "clientId": client_id,
                "clientSecret": secret,
                "clientIdIssuedAt": issued,
                "clientSecretExpiresAt": issued + REGISTRATION_LIFETIME_S,
            },
        )

    def start_device_authorization(self, doc):
        state = self.state
        with state.lock:
            if not self.client_ok(doc):
                return self.invalid_client("-", "DEVICE")
            if not doc.get("startUrl"):
                return self.reply(400, {"error": "invalid_request"}, error_type="InvalidRequestException")
            code = f"dev-{secrets.token_hex(24)}"
            state.devices[code] = {"client": doc["clientId"], "pending": PENDING_POLLS}
        page = f"http://127.0.0.1:{state.port}/device"
        self.reply(
            200,
            {
                "deviceCode": code,
                "userCode": "INTR-OPSS",
                "verificationUri": page,
                "verificationUriComplete": f"{page}?user_code=INTR-OPSS",
                "expiresIn": 600,
                "interval": 1,
            },
            label="DEVICE",
        )


def serve(port, log_path, seed_path):
    seed = json.loads(Path(seed_path).read_text())
    Handler.state = State(seed, log_path, port)
    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    server.daemon_threads = True
    server.serve_forever()


def main(argv):
    if len(argv) == 5 and argv[1] == "fixture":
        fixture(argv[2], argv[3], argv[4])
        return 0
    if len(argv) == 5 and argv[1] == "serve":
        serve(int(argv[2]), argv[3], argv[4])
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
