"""Throwaway certificates and certificate inspection.

make_listener_certs() writes a root CA and a certificate for localhost,
127.0.0.1 and ::1 signed by it, for the HTTPS listeners of pebble and the ACME
test double (Debian's pebble ships none). The root is what httpd gets as
ACMECACertificateFile. Files are world-readable (httpd's children run as
www-data and read the root); private keys are 0600 (only root's CAs read them).

CertInfo parses what a client was served.
"""
import datetime
import ipaddress
import os
import re
from dataclasses import dataclass

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

PEM_RE = re.compile(r"-----BEGIN CERTIFICATE-----.+?-----END CERTIFICATE-----", re.S)


@dataclass
class ListenerCerts:
    root_file: str
    cert_file: str
    key_file: str


def _name(cn):
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)])


def _write(path, data, mode):
    with open(path, "wb") as f:
        f.write(data)
    os.chmod(path, mode)


def _key_pem(key):
    return key.private_bytes(serialization.Encoding.PEM,
                             serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption())


def make_listener_certs(directory):
    now = datetime.datetime.now(datetime.timezone.utc)
    start, end = now - datetime.timedelta(hours=1), now + datetime.timedelta(days=2)
    root_key = ec.generate_private_key(ec.SECP256R1())
    root_name = _name("mod_acme test root (throwaway)")
    root = (x509.CertificateBuilder()
            .subject_name(root_name).issuer_name(root_name)
            .public_key(root_key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(start).not_valid_after(end)
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .add_extension(x509.KeyUsage(False, False, False, False, False, True, True,
                                         False, False), critical=True)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(root_key.public_key()),
                           critical=False)
            .sign(root_key, hashes.SHA256()))
    key = ec.generate_private_key(ec.SECP256R1())
    sans = [x509.DNSName("localhost"),
            x509.IPAddress(ipaddress.ip_address("127.0.0.1")),
            x509.IPAddress(ipaddress.ip_address("::1"))]
    cert = (x509.CertificateBuilder()
            .subject_name(_name("localhost")).issuer_name(root_name)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(start).not_valid_after(end)
            .add_extension(x509.SubjectAlternativeName(sans), critical=False)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]),
                           critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(
                root_key.public_key()), critical=False)
            .sign(root_key, hashes.SHA256()))
    out = ListenerCerts(os.path.join(directory, "listener-root.pem"),
                        os.path.join(directory, "listener-cert.pem"),
                        os.path.join(directory, "listener-key.pem"))
    _write(out.root_file, root.public_bytes(serialization.Encoding.PEM), 0o644)
    _write(out.cert_file, cert.public_bytes(serialization.Encoding.PEM), 0o644)
    _write(out.key_file, _key_pem(key), 0o600)
    return out


def split_pem(text):
    """The PEM certificate blocks in text, in order."""
    return PEM_RE.findall(text)


def load(pem):
    if isinstance(pem, str):
        pem = pem.encode()
    return x509.load_pem_x509_certificate(pem)


def signed_by(cert, issuer):
    """True if issuer's key verifies cert's signature (and the names chain)."""
    if cert.issuer != issuer.subject:
        return False
    pub = issuer.public_key()
    try:
        if isinstance(pub, rsa.RSAPublicKey):
            pub.verify(cert.signature, cert.tbs_certificate_bytes, padding.PKCS1v15(),
                       cert.signature_hash_algorithm)
        elif isinstance(pub, ec.EllipticCurvePublicKey):
            pub.verify(cert.signature, cert.tbs_certificate_bytes,
                       ec.ECDSA(cert.signature_hash_algorithm))
        else:
            pub.verify(cert.signature, cert.tbs_certificate_bytes)
    except Exception:
        return False
    return True


class CertInfo:
    """What a client can read from one certificate."""

    def __init__(self, pem):
        self.pem = pem
        self.cert = load(pem)

    @property
    def serial(self):
        return self.cert.serial_number

    @property
    def sans(self):
        try:
            ext = self.cert.extensions.get_extension_for_class(x509.SubjectAlternativeName)
        except x509.ExtensionNotFound:
            return []
        return ext.value.get_values_for_type(x509.DNSName)

    @property
    def common_name(self):
        attrs = self.cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
        return attrs[0].value if attrs else None

    @property
    def self_issued(self):
        return self.cert.issuer == self.cert.subject

    @property
    def not_before(self):
        return self.cert.not_valid_before.replace(tzinfo=datetime.timezone.utc)

    @property
    def not_after(self):
        return self.cert.not_valid_after.replace(tzinfo=datetime.timezone.utc)

    def names(self):
        """SAN dNSNames, or the CN if there are none."""
        return self.sans or ([self.common_name] if self.common_name else [])

    def der(self):
        return self.cert.public_bytes(serialization.Encoding.DER)

    def __repr__(self):
        return (f"<cert serial={self.serial:x} subject={self.cert.subject.rfc4514_string()}"
                f" issuer={self.cert.issuer.rfc4514_string()} sans={self.sans}>")
