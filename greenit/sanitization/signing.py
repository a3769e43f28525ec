"""The organisation's Ed25519 signing key, canonical JSON, signatures and their checks.

The private key lives in a PEM file (SIGNING_KEY_FILE, default DATA_DIR/signing_key.pem),
made once with `greenit keys init`. Older public keys, after a rotation, can be kept as
`<fingerprint>.pem` (any name) in SIGNING_PUBLIC_KEYS_DIR: a certificate is checked with the
key whose fingerprint it names when that key is there, otherwise with the current key."""

import base64
import hashlib
import json
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.conf import settings


class KeyMissing(RuntimeError):
    pass


def canonical(obj) -> bytes:
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode(
        "utf-8"
    )


def key_file() -> Path:
    return Path(settings.SIGNING_KEY_FILE)


def fingerprint(public_key: Ed25519PublicKey) -> str:
    """SHA-256 of the raw 32-byte public key, hex, in groups of four for reading aloud."""
    raw = public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    digest = hashlib.sha256(raw).hexdigest()[:32]
    return ":".join(digest[i : i + 4] for i in range(0, len(digest), 4))


def public_pem(public_key: Ed25519PublicKey) -> bytes:
    return public_key.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def create_key(path: Path | None = None, *, force: bool = False) -> Ed25519PrivateKey:
    path = path or key_file()
    if path.exists() and not force:
        raise FileExistsError(f"{path} exists")
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_bytes(pem)
    tmp.chmod(0o600)
    tmp.replace(path)
    _cache.clear()
    return key


_cache: dict[tuple[str, float], Ed25519PrivateKey] = {}


def private_key() -> Ed25519PrivateKey:
    path = key_file()
    if not path.exists():
        raise KeyMissing(f"no signing key at {path}: run `greenit keys init`")
    cache_key = (str(path), path.stat().st_mtime)
    if cache_key not in _cache:
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
        if not isinstance(key, Ed25519PrivateKey):
            raise KeyMissing(f"{path} does not hold an Ed25519 private key")
        _cache.clear()
        _cache[cache_key] = key
    return _cache[cache_key]


def current_public_key() -> Ed25519PublicKey:
    return private_key().public_key()


def load_public_key(pem: bytes) -> Ed25519PublicKey:
    key = serialization.load_pem_public_key(pem)
    if not isinstance(key, Ed25519PublicKey):
        raise ValueError("not an Ed25519 public key")
    return key


def public_key_for(key_fingerprint: str) -> Ed25519PublicKey:
    """The public key a certificate names, if kept; otherwise the current one."""
    directory = getattr(settings, "SIGNING_PUBLIC_KEYS_DIR", None)
    if directory and key_fingerprint and Path(directory).is_dir():
        for path in sorted(Path(directory).glob("*.pem")):
            try:
                key = load_public_key(path.read_bytes())
            except ValueError:
                continue
            if fingerprint(key) == key_fingerprint:
                return key
    return current_public_key()


def sign(payload: bytes) -> tuple[str, str]:
    """(base64 signature, key fingerprint) of `payload` with the organisation's key."""
    key = private_key()
    return base64.b64encode(key.sign(payload)).decode("ascii"), fingerprint(key.public_key())


def verify(payload: bytes, signature_b64: str, public_key: Ed25519PublicKey) -> bool:
    try:
        signature = base64.b64decode(signature_b64, validate=True)
        public_key.verify(signature, payload)
    except (InvalidSignature, ValueError, TypeError):
        return False
    return True
