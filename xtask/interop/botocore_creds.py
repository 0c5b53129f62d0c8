"""Resolve credentials with botocore, as a real client would, and print what is safe
to compare: `OK <access key id> <SHA-256 of the secret and token>`, or `ERR <why>`.

usage: botocore_creds.py [PROFILE]   (no profile: botocore's default chain)
"""
import hashlib
import sys

import botocore.session


def main():
    profile = sys.argv[1] if len(sys.argv) > 1 and sys.argv[1] else None
    session = botocore.session.Session(profile=profile)
    try:
        creds = session.get_credentials()
    except Exception as error:  # the class name says why; the message may quote config
        print(f"ERR {type(error).__name__}")
        return 1
    if creds is None:
        print("ERR no-credentials")
        return 1
    frozen = creds.get_frozen_credentials()
    print(fingerprint(frozen.access_key, frozen.secret_key, frozen.token))
    return 0


def fingerprint(access_key_id, secret, token):
    """`OK <access key id> <sha256 of secret NUL token>`: nothing secret."""
    digest = hashlib.sha256(f"{secret}\0{token or ''}".encode()).hexdigest()
    return f"OK {access_key_id} {digest}"


if __name__ == "__main__":
    sys.exit(main())
