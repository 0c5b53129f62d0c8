"""Resolve credentials with botocore's default chain, as a real client would, and print
what is safe to compare: `OK <access key id> <SHA-256 of the secret and token>
<expiration or -> <account id or ->`, or `ERR <why>`.

usage: botocore_creds.py [PROFILE]   (empty or none: no profile named, as a client
                                      that does not pass one)
"""
import hashlib
import sys
from datetime import timezone

import botocore.session


def main():
    profile = sys.argv[1] if len(sys.argv) > 1 and sys.argv[1] else None
    session = botocore.session.Session(profile=profile)
    try:
        creds = session.get_credentials()
        if creds is None:
            print("ERR no-credentials")
            return 1
        frozen = creds.get_frozen_credentials()
    except Exception as error:  # the class name says why; the message may quote config
        print(f"ERR {type(error).__name__}")
        return 1
    # Refreshable credentials (a process, a container, instance metadata, an
    # expiration in the environment) keep it here; static keys have none.
    expiry = getattr(creds, "_expiry_time", None)
    account = getattr(frozen, "account_id", None)
    print(fingerprint(frozen.access_key, frozen.secret_key, frozen.token, expiry, account))
    return 0


def fingerprint(access_key_id, secret, token, expiry=None, account=None):
    """`OK <access key id> <sha256 of secret NUL token> <expiration> <account>`:
    nothing secret. The expiration is UTC to the second (`-` for none), as every
    resolver shows it; the account id is `-` when the credentials carry none."""
    digest = hashlib.sha256(f"{secret}\0{token or ''}".encode()).hexdigest()
    when = "-" if expiry is None else expiry.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    return f"OK {access_key_id} {digest} {when} {account or '-'}"


if __name__ == "__main__":
    sys.exit(main())
