"""Throwaway certificates and certificate inspection.

make_ca() and make_leaf() build throwaway CAs and server certificates (P-256).
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
from cryptography.x509.oid import AuthorityInformationAccessOID, ExtendedKeyUsageOID, NameOID

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


def make_ca(cn, issuer=None, path_length=0, start=None, end=None):
    """A CA certificate and its new P-256 key: (cert, key).

    issuer: (cert, key) of the CA that signs it; None for a self-signed root.
    start/end default to an hour ago and two days ahead.
    """
    now = datetime.datetime.now(datetime.timezone.utc)
    start = start or now - datetime.timedelta(hours=1)
    end = end or now + datetime.timedelta(days=2)
    key = ec.generate_private_key(ec.SECP256R1())
    issuer_name, signing_key = (issuer[0].subject, issuer[1]) if issuer else (_name(cn), key)
    cert = (x509.CertificateBuilder()
            .subject_name(_name(cn)).issuer_name(issuer_name)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(start).not_valid_after(end)
            .add_extension(x509.BasicConstraints(ca=True, path_length=path_length),
                           critical=True)
            .add_extension(x509.KeyUsage(True, False, False, False, False, True, True,
                                         False, False), critical=True)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()),
                           critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(
                signing_key.public_key()), critical=False)
            .sign(signing_key, hashes.SHA256()))
    return cert, key


def make_leaf(names, issuer, public_key=None, start=None, end=None, ca_issuers_url=None):
    """A TLS server certificate for names (DNS names or IP literals), CN names[0],
    signed by issuer = (cert, key): (cert, key). With public_key (e.g. a
    CSR's) the certificate is for that key and the returned key is None.
    start/end default to an hour ago and two days ahead. ca_issuers_url adds
    an AIA caIssuers entry.
    """
    now = datetime.datetime.now(datetime.timezone.utc)
    start = start or now - datetime.timedelta(hours=1)
    end = end or now + datetime.timedelta(days=2)
    key = None
    if public_key is None:
        key = ec.generate_private_key(ec.SECP256R1())
        public_key = key.public_key()
    sans = []
    for n in names:
        try:
            sans.append(x509.IPAddress(ipaddress.ip_address(n)))
        except ValueError:
            sans.append(x509.DNSName(n))
    issuer_cert, issuer_key = issuer
    builder = (x509.CertificateBuilder()
               .subject_name(_name(names[0])).issuer_name(issuer_cert.subject)
               .public_key(public_key)
               .serial_number(x509.random_serial_number())
               .not_valid_before(start).not_valid_after(end)
               .add_extension(x509.SubjectAlternativeName(sans), critical=False)
               .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
               .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]),
                              critical=False)
               .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(
                   issuer_key.public_key()), critical=False))
    if ca_issuers_url:
        builder = builder.add_extension(x509.AuthorityInformationAccess([
            x509.AccessDescription(AuthorityInformationAccessOID.CA_ISSUERS,
                                   x509.UniformResourceIdentifier(ca_issuers_url))]),
            critical=False)
    return builder.sign(issuer_key, hashes.SHA256()), key


def pem(cert):
    return cert.public_bytes(serialization.Encoding.PEM)


def write_cert(path, cert):
    """cert as PEM into path, world-readable."""
    _write(path, pem(cert), 0o644)


def write_key(path, key):
    """key as unencrypted PKCS#8 PEM into path, mode 0600."""
    _write(path, _key_pem(key), 0o600)


def make_listener_certs(directory):
    root = make_ca("mod_acme test root (throwaway)")
    cert, key = make_leaf(["localhost", "127.0.0.1", "::1"], root)
    out = ListenerCerts(os.path.join(directory, "listener-root.pem"),
                        os.path.join(directory, "listener-cert.pem"),
                        os.path.join(directory, "listener-key.pem"))
    write_cert(out.root_file, root[0])
    write_cert(out.cert_file, cert)
    write_key(out.key_file, key)
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
