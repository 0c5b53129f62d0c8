"""What moto saw, for the S3 client checks of `cargo xtask interop`: moto_server runs
with its request recorder on (MOTO_ENABLE_RECORDING, MOTO_RECORDER_FILEPATH), which
writes every request it receives, headers included, one JSON object a line.

usage: s3_requests.py buckets URL BUCKET...   create the buckets (with a setup key that
                                              no client has), then empty the recording
       s3_requests.py seen URL RECORDING      print what the recording holds, and the
                                              roles moto's STS assumed; then empty it

`seen` prints, one line each, nothing secret (access key ids are not):

    REQ sts <Action> <RoleArn or -> <access key id> <token|no-token>
    REQ s3 <METHOD> <path> <access key id> <token|no-token>
    REQ - <METHOD> <path> - no-token             (a request without a SigV4 signature)
    ISSUED <access key id> <role arn>            (each AssumeRole moto's STS answered)

The key id is the one in the `Credential=` of the request's `Authorization` header (its
credential scope names the service); `token` says an `X-Amz-Security-Token` header was
sent (its value is never printed). The issued keys come from moto's `/moto-api/data.json`
(its STS backend's assumed roles), of which only the key id and the role are printed.
"""
import base64
import json
import sys
import urllib.parse
import urllib.request

# Made up, as every key here; no client is given it, so no client request can carry it.
SETUP_KEY = "AKIAS3SETUPEXAMPLE00"


def post(url):
    urllib.request.urlopen(urllib.request.Request(url, data=b"", method="POST"), timeout=10).read()


def buckets(url, names):
    import boto3

    s3 = boto3.client(
        "s3",
        endpoint_url=url,
        region_name="us-east-1",
        aws_access_key_id=SETUP_KEY,
        aws_secret_access_key="s3SetupSecret0000000000000000000000000000",
    )
    for name in names:
        s3.create_bucket(Bucket=name)
    post(f"{url}/moto-api/recorder/reset-recording")


def header(headers, name):
    for key, value in headers.items():
        if key.lower() == name:
            return value
    return None


def signer(headers):
    """(key id, service) of a SigV4 `Authorization` header, or None."""
    auth = header(headers, "authorization") or ""
    if not auth.startswith("AWS4-HMAC-SHA256 "):
        return None
    for part in auth[len("AWS4-HMAC-SHA256 "):].split(","):
        part = part.strip()
        if part.startswith("Credential="):
            scope = part[len("Credential="):].split("/")
            if len(scope) == 5:
                return scope[0], scope[3]
    return None


def seen(url, recording):
    with open(recording) as file:
        entries = [json.loads(line) for line in file if line.strip()]
    for entry in entries:
        headers = entry.get("headers") or {}
        method = entry.get("method", "?")
        path = urllib.parse.urlsplit(entry.get("url", "")).path or "/"
        if path.startswith("/moto-api/"):
            continue
        token = "token" if header(headers, "x-amz-security-token") else "no-token"
        signed = signer(headers)
        if signed is None:
            print(f"REQ - {method} {path} - no-token")
            continue
        key, service = signed
        if service == "sts":
            body = entry.get("body") or ""
            if entry.get("body_encoded"):
                body = base64.b64decode(body).decode("utf-8", "replace")
            form = urllib.parse.parse_qs(body)
            action = form.get("Action", ["?"])[0]
            role = form.get("RoleArn", ["-"])[0]
            print(f"REQ sts {action} {role} {key} {token}")
        else:
            print(f"REQ {service} {method} {path} {key} {token}")
    with urllib.request.urlopen(f"{url}/moto-api/data.json", timeout=10) as reply:
        data = json.load(reply)
    for role in data.get("sts", {}).get("AssumedRole", []):
        print(f"ISSUED {role.get('access_key_id')} {role.get('role_arn')}")
    post(f"{url}/moto-api/recorder/reset-recording")


def main():
    if len(sys.argv) >= 3 and sys.argv[1] == "buckets":
        buckets(sys.argv[2], sys.argv[3:])
    elif len(sys.argv) == 4 and sys.argv[1] == "seen":
        seen(sys.argv[2], sys.argv[3])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
