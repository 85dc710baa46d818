#include "crypto/certificate.h"

#include <arpa/inet.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/pem.h>

#include <ctime>

#include "crypto/key.h"

namespace acme {

namespace {

std::string name_text(const X509_NAME* name) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  // RFC 2253 order and escaping, but UTF-8 kept readable instead of \XX.
  if (!bio || X509_NAME_print_ex(bio.get(), name, 0, XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB) < 0) {
    return std::string();
  }
  return bio_text(bio.get());
}

bool is_end_of_pem(unsigned long err) {
  return err == 0 ||
         (ERR_GET_LIB(err) == ERR_LIB_PEM && ERR_GET_REASON(err) == PEM_R_NO_START_LINE);
}

std::string ip_text(const ASN1_OCTET_STRING* ip) {
  char buf[INET6_ADDRSTRLEN] = {0};
  int len = ASN1_STRING_length(ip);
  int family = len == 4 ? AF_INET : len == 16 ? AF_INET6 : 0;
  if (family == 0 || !inet_ntop(family, ASN1_STRING_get0_data(ip), buf, sizeof(buf))) {
    return std::string();
  }
  return buf;
}

GENERAL_NAME* dns_name(const std::string& name) {
  ASN1_IA5STRING* text = ASN1_IA5STRING_new();
  GENERAL_NAME* gn = GENERAL_NAME_new();
  if (!text || !gn || ASN1_STRING_set(text, name.data(), static_cast<int>(name.size())) != 1) {
    ASN1_IA5STRING_free(text);
    GENERAL_NAME_free(gn);
    return nullptr;
  }
  GENERAL_NAME_set0_value(gn, GEN_DNS, text);
  return gn;
}

GENERAL_NAME* ip_name(const std::string& name) {
  ASN1_OCTET_STRING* ip = a2i_IPADDRESS(name.c_str());
  GENERAL_NAME* gn = GENERAL_NAME_new();
  if (!ip || !gn) {
    ASN1_OCTET_STRING_free(ip);
    GENERAL_NAME_free(gn);
    return nullptr;
  }
  GENERAL_NAME_set0_value(gn, GEN_IPADD, ip);
  return gn;
}

bool is_ascii_name(const std::string& name) {
  if (name.empty()) return false;
  for (unsigned char c : name) {
    if (c <= 0x20 || c >= 0x7f) return false;
  }
  return true;
}

}  // namespace

// RFC 5280 §4.1.2.5 lets a certificate say 99991231235959Z ("no
// well-defined expiration"), but TimePoint counts nanoseconds and ends in
// 2262: later times read as 2255-03-14, earlier ones than 1970 as 1970
// (found by tests/fuzz: from_unix overflowed).
TimePoint asn1_time_point(const ASN1_TIME* t) {
  constexpr long long kLatest = 9000000000;  // 2255-03-14T16:00:00Z
  std::tm tm{};
  if (!t || ASN1_TIME_to_tm(t, &tm) != 1) return TimePoint();
  long long secs = static_cast<long long>(timegm(&tm));
  return from_unix(secs < 0 ? 0 : secs > kLatest ? kLatest : secs);
}

Certificate::Certificate(X509* owned) : x509_(owned) {}

Result<std::vector<Certificate>> Certificate::parse_pem_chain(const std::string& pem) {
  ERR_clear_error();
  BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  if (!bio) return crypto_error("reading a certificate chain");
  std::vector<Certificate> certs;
  while (X509* x = PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr)) {
    certs.emplace_back(x);
  }
  if (!is_end_of_pem(ERR_peek_last_error())) {
    return Status(Code::kInvalidArgument,
                  "certificate #" + std::to_string(certs.size() + 1) +
                      " of the PEM chain is malformed: " + openssl_errors());
  }
  ERR_clear_error();
  if (certs.empty()) {
    return Status(Code::kInvalidArgument, "no PEM certificate (BEGIN CERTIFICATE) found");
  }
  return certs;
}

Result<std::string> first_certificate_der(const std::string& pem) {
  ERR_clear_error();
  BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  unsigned char* data = nullptr;
  long len = 0;
  char* name = nullptr;
  // PEM_STRING_X509 also takes the "X509 CERTIFICATE" and "TRUSTED
  // CERTIFICATE" spellings, as PEM_read_bio_X509 does.
  if (!bio ||
      PEM_bytes_read_bio(&data, &len, &name, PEM_STRING_X509, bio.get(), nullptr, nullptr) != 1) {
    return Status(Code::kInvalidArgument,
                  "no PEM certificate (BEGIN CERTIFICATE) found: " + openssl_errors());
  }
  std::string der(reinterpret_cast<const char*>(data), static_cast<std::size_t>(len));
  OPENSSL_free(data);
  OPENSSL_free(name);
  return der;
}

Result<Certificate> Certificate::from_der(const std::string& der) {
  const auto* p = reinterpret_cast<const unsigned char*>(der.data());
  const unsigned char* end = p + der.size();
  Certificate cert(d2i_X509(nullptr, &p, static_cast<long>(der.size())));
  if (!cert.get()) {
    return Status(Code::kInvalidArgument, "DER certificate is malformed: " + openssl_errors());
  }
  if (p != end) return Status(Code::kInvalidArgument, "DER certificate has trailing data");
  return Result<Certificate>(std::move(cert));
}

std::string Certificate::to_pem() const {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio || !get() || PEM_write_bio_X509(bio.get(), get()) != 1) return std::string();
  return bio_text(bio.get());
}

std::string Certificate::to_der() const {
  unsigned char* der = nullptr;
  int len = get() ? i2d_X509(get(), &der) : -1;
  if (len <= 0) return std::string();
  std::string out(reinterpret_cast<char*>(der), static_cast<std::size_t>(len));
  OPENSSL_free(der);
  return out;
}

TimePoint Certificate::not_before() const {
  return get() ? asn1_time_point(X509_get0_notBefore(get())) : TimePoint();
}

TimePoint Certificate::not_after() const {
  return get() ? asn1_time_point(X509_get0_notAfter(get())) : TimePoint();
}

std::string Certificate::serial_hex() const {
  if (!get()) return std::string();
  BIGNUM* bn = ASN1_INTEGER_to_BN(X509_get0_serialNumber(get()), nullptr);
  char* hex = bn ? BN_bn2hex(bn) : nullptr;
  std::string out = hex ? hex : "";
  OPENSSL_free(hex);
  BN_free(bn);
  return out;
}

std::string Certificate::subject() const {
  return get() ? name_text(X509_get_subject_name(get())) : std::string();
}

std::string Certificate::issuer() const {
  return get() ? name_text(X509_get_issuer_name(get())) : std::string();
}

std::vector<std::string> Certificate::names() const {
  if (!get()) return {};
  GeneralNamesPtr gens(
      static_cast<GENERAL_NAMES*>(X509_get_ext_d2i(get(), NID_subject_alt_name, nullptr, nullptr)));
  return gens ? general_names_text(gens.get()) : std::vector<std::string>();
}

bool Certificate::self_issued() const {
  return get() && X509_NAME_cmp(X509_get_subject_name(get()), X509_get_issuer_name(get())) == 0;
}

std::string chain_pem(const std::vector<Certificate>& certs, std::size_t from) {
  std::string pem;
  for (std::size_t i = from; i < certs.size(); ++i) pem += certs[i].to_pem();
  return pem;
}

bool is_ip_literal(const std::string& name) {
  unsigned char buf[16];
  return inet_pton(AF_INET, name.c_str(), buf) == 1 || inet_pton(AF_INET6, name.c_str(), buf) == 1;
}

Result<GeneralNamesPtr> make_general_names(const std::vector<std::string>& names) {
  GeneralNamesPtr gens(GENERAL_NAMES_new());
  if (!gens) return crypto_error("building a subjectAltName");
  for (const std::string& name : names) {
    if (!is_ascii_name(name)) {
      return Status(Code::kInvalidArgument, "'" + name +
                                                "' is not a valid certificate name; use "
                                                "an ASCII host name (xn-- form) or IP address");
    }
    GENERAL_NAME* gn = is_ip_literal(name) ? ip_name(name) : dns_name(name);
    if (!gn || sk_GENERAL_NAME_push(gens.get(), gn) <= 0) {
      GENERAL_NAME_free(gn);
      return crypto_error("adding " + name + " to a subjectAltName");
    }
  }
  return Result<GeneralNamesPtr>(std::move(gens));
}

std::vector<std::string> general_names_text(const GENERAL_NAMES* names) {
  std::vector<std::string> out;
  for (int i = 0; i < sk_GENERAL_NAME_num(names); ++i) {
    const GENERAL_NAME* gn = sk_GENERAL_NAME_value(names, i);
    if (gn->type == GEN_DNS) {
      const ASN1_IA5STRING* s = gn->d.dNSName;
      out.emplace_back(reinterpret_cast<const char*>(ASN1_STRING_get0_data(s)),
                       static_cast<std::size_t>(ASN1_STRING_length(s)));
    } else if (gn->type == GEN_IPADD) {
      std::string ip = ip_text(gn->d.iPAddress);
      if (!ip.empty()) out.push_back(ip);
    }
  }
  return out;
}

Result<std::string> pem_from_pem_or_der(const std::string& body) {
  if (body.find("-----BEGIN CERTIFICATE-----") != std::string::npos) {
    auto certs = Certificate::parse_pem_chain(body);
    if (!certs.ok()) return certs.status();
    return chain_pem(*certs, 0);
  }
  auto cert = Certificate::from_der(body);
  if (!cert.ok()) return cert.status();
  return cert->to_pem();
}

}  // namespace acme
