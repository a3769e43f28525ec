"""The organisation's Ed25519 signing key, canonical JSON, signatures and their checks.

The private key lives in a PEM file (SIGNING_KEY_FILE, default DATA_DIR/signing_key.pem),
made once with `greenit keys init`. Older public keys, after a rotation, can be kept as
`<fingerprint>.pem` (any name) in SIGNING_PUBLIC_KEYS_DIR: a certificate is checked with the
key whose fingerprint it names when that key is there, otherwise with the current key."""

import base64
import hashlib
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.x509.oid import NameOID
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


# --- the X.509 chain that signs the PDF itself (PAdES) ---------------------------------------
#
# The Ed25519 key above signs the certificate's content (certificate.json); the PDF file as a
# whole is signed with an ECDSA P-256 key and an X.509 certificate, because PDF readers (Adobe
# Reader, pyHanko, any PAdES validator) check X.509 signatures, and P-256 with SHA-256 is the
# algorithm every one of them supports (Ed25519 is not widely supported in PDF readers).
# SIGNING_PDF_DIR holds key.pem (private, mode 600), cert.pem (the signing certificate) and
# chain.pem (issuing CAs up to the root; the self-signed certificates in it are the roots a
# verification trusts). `greenit keys ca` makes a self-made CA there; `greenit keys
# import-chain` installs a chain issued by a real CA.

PDF_KEY, PDF_CERT, PDF_CHAIN, CA_KEY = "key.pem", "cert.pem", "chain.pem", "ca-key.pem"


class ChainMissing(KeyMissing):
    pass


def pdf_dir() -> Path:
    return Path(settings.SIGNING_PDF_DIR)


def _name(common_name: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, settings.ORGANISATION_NAME),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )


def _private_pem(key) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


def _write(path: Path, data: bytes, *, private: bool = False) -> None:
    tmp = path.with_suffix(".tmp")
    tmp.write_bytes(data)
    tmp.chmod(0o600 if private else 0o644)
    tmp.replace(path)


def _issue(subject, subject_key, issuer, issuer_key, *, ca: bool, years: int) -> x509.Certificate:
    now = datetime.now(UTC)
    usage = dict.fromkeys(
        (
            "digital_signature",
            "content_commitment",
            "key_encipherment",
            "data_encipherment",
            "key_agreement",
            "key_cert_sign",
            "crl_sign",
            "encipher_only",
            "decipher_only",
        ),
        False,
    )
    if ca:
        usage.update(key_cert_sign=True, crl_sign=True)
    else:  # a document signature: digitalSignature + nonRepudiation (RFC 5280 §4.2.1.3)
        usage.update(digital_signature=True, content_commitment=True)
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer)
        .public_key(subject_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + timedelta(days=365 * years))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=0 if ca else None), critical=True)
        .add_extension(x509.KeyUsage(**usage), critical=True)
        .add_extension(
            x509.SubjectKeyIdentifier.from_public_key(subject_key.public_key()), critical=False
        )
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer_key.public_key()),
            critical=False,
        )
    )
    return builder.sign(issuer_key, hashes.SHA256())


def create_chain(directory: Path | None = None, *, force: bool = False) -> x509.Certificate:
    """A self-made CA (30 years) and the PDF signing certificate it issues (20 years: a
    certificate must still verify long after it was issued, and there is no timestamp
    authority). Returns the signing certificate."""
    directory = directory or pdf_dir()
    if (directory / PDF_KEY).exists() and not force:
        raise FileExistsError(f"{directory / PDF_KEY} exists")
    directory.mkdir(parents=True, exist_ok=True)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = _name(f"{settings.ORGANISATION_NAME} certificate authority")
    ca_cert = _issue(ca_name, ca_key, ca_name, ca_key, ca=True, years=30)
    key = ec.generate_private_key(ec.SECP256R1())
    cert = _issue(
        _name(f"{settings.ORGANISATION_NAME} certificates of sanitization"),
        key,
        ca_name,
        ca_key,
        ca=False,
        years=20,
    )
    _write(directory / CA_KEY, _private_pem(ca_key), private=True)
    _write(directory / PDF_KEY, _private_pem(key), private=True)
    _write(directory / PDF_CERT, cert.public_bytes(serialization.Encoding.PEM))
    _write(directory / PDF_CHAIN, ca_cert.public_bytes(serialization.Encoding.PEM))
    return cert


def import_chain(
    key_pem: bytes, cert_pem: bytes, chain_pem: bytes, directory: Path | None = None
) -> x509.Certificate:
    """Install a signing key and certificate issued by a real CA, with the issuing chain up to
    its root. Refused (ValueError) when the key does not match the certificate, the chain does
    not lead from the certificate to a self-signed root, or the key is not one PDF readers know."""
    directory = directory or pdf_dir()
    key = serialization.load_pem_private_key(key_pem, password=None)
    if not isinstance(key, ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey):
        raise ValueError("the signing key must be ECDSA or RSA (PDF readers do not know others)")
    cert = x509.load_pem_x509_certificate(cert_pem)
    if cert.public_key().public_numbers() != key.public_key().public_numbers():
        raise ValueError("the private key does not belong to the certificate")
    chain = x509.load_pem_x509_certificates(chain_pem)
    issued = cert
    for ca in chain:
        try:
            issued.verify_directly_issued_by(ca)
        except (ValueError, TypeError, InvalidSignature) as error:
            raise ValueError(
                f"{ca.subject.rfc4514_string()} did not issue {issued.subject.rfc4514_string()}"
            ) from error
        issued = ca
    if issued.issuer != issued.subject:
        raise ValueError("the chain must end with the self-signed root certificate")
    directory.mkdir(parents=True, exist_ok=True)
    _write(directory / PDF_KEY, _private_pem(key), private=True)
    _write(directory / PDF_CERT, cert_pem)
    _write(directory / PDF_CHAIN, chain_pem)
    (directory / CA_KEY).unlink(missing_ok=True)  # an imported chain's CA key is not ours
    return cert


def _read(name: str) -> bytes:
    path = pdf_dir() / name
    if not path.exists():
        raise ChainMissing(
            f"no PDF signing certificate at {pdf_dir()}: run `greenit keys ca` "
            "(self-made CA) or `greenit keys import-chain`"
        )
    return path.read_bytes()


def pdf_signing_files() -> tuple[bytes, bytes, bytes]:
    """(key PEM, certificate PEM, chain PEM) of the PDF signature."""
    return _read(PDF_KEY), _read(PDF_CERT), _read(PDF_CHAIN)


def trust_roots(chain_pem: bytes | None = None) -> list[x509.Certificate]:
    """The self-signed certificates of the chain: what a PDF signature must lead to."""
    chain = x509.load_pem_x509_certificates(chain_pem or _read(PDF_CHAIN))
    return [ca for ca in chain if ca.issuer == ca.subject]


def certificate_fingerprint(cert: x509.Certificate) -> str:
    digest = cert.fingerprint(hashes.SHA256()).hex()
    return ":".join(digest[i : i + 4] for i in range(0, 32, 4))
