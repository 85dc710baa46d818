#include "solve/tls_alpn01_responder.h"

#include <openssl/objects.h>
#include <openssl/x509v3.h>

#include <vector>

#include "base/fake_clock.h"
#include "crypto/base64url.h"
#include "crypto/certificate.h"
#include "crypto/key.h"

// Last: CppUTest redefines new for leak detection.
#include <CppUTest/TestHarness.h>

using namespace acme;

namespace {

const TimePoint kNow = from_unix(1767225600);  // 2026-01-01T00:00:00Z
const std::string kKeyAuthz = "evaGxfADs6pSRb2LAv9IZf17Dt3juxGJ-PCt92wr-oA.thumbprint";

struct Served {
  Certificate cert;
  std::string cert_pem;
  std::string key_pem;
};

Served served(const AlpnCertTable& table, const std::string& sni) {
  std::string blob;
  CHECK_TRUE_TEXT(table.get(normalized_server_name(sni), &blob), sni.c_str());
  Served s;
  CHECK_TRUE(split_challenge_pems(blob, &s.cert_pem, &s.key_pem));
  auto certs = Certificate::parse_pem_chain(s.cert_pem);
  CHECK_TRUE(certs.ok());
  LONGS_EQUAL(1, certs->size());
  s.cert = std::move(certs->front());
  return s;
}

// RFC 8737 §3: the acmeIdentifier extension's value, "" if absent; critical
// tells whether it is marked so.
std::string acme_identifier(const Certificate& cert, bool* critical) {
  ASN1_OBJECT* oid = OBJ_txt2obj("1.3.6.1.5.5.7.1.31", 1);
  int at = X509_get_ext_by_OBJ(cert.get(), oid, -1);
  ASN1_OBJECT_free(oid);
  if (at < 0) return "";
  X509_EXTENSION* ext = X509_get_ext(cert.get(), at);
  *critical = X509_EXTENSION_get_critical(ext) == 1;
  ASN1_OCTET_STRING* value = X509_EXTENSION_get_data(ext);
  return std::string(reinterpret_cast<const char*>(ASN1_STRING_get0_data(value)),
                     static_cast<std::size_t>(ASN1_STRING_length(value)));
}

}  // namespace

TEST_GROUP(TlsAlpn01Responder) {
  std::vector<std::uint64_t> memory;  // the shared region, on the heap
  AlpnCertTable table;
  FakeClock clock{kNow};
  void setup() override {
    std::size_t size = AlpnCertTable::region_size(4);
    memory.assign(size / 8 + 1, 0);
    auto formatted = AlpnCertTable::format(memory.data(), size, 4);
    CHECK_TRUE(formatted.ok());
    table = *formatted;
  }
};

TEST(TlsAlpn01Responder, TypeAndWhatItCanAnswer) {
  TlsAlpn01Responder r(table, clock);
  STRCMP_EQUAL("tls-alpn-01", r.type());
  CHECK_TRUE(r.can_answer({"dns", "a.example"}, false));
  CHECK_TRUE(r.can_answer({"ip", "192.0.2.1"}, false));  // RFC 8738 §6
  CHECK_TRUE(r.can_answer({"ip", "2001:db8::1"}, false));
  CHECK_FALSE(r.can_answer({"dns", "a.example"}, true));  // wildcards: dns-01 only
  CHECK_FALSE(r.can_answer({"ip", "not-an-address"}, false));
  CHECK_FALSE(r.can_answer({"email", "a@example"}, false));
}

// httpd/ restricts it to the names of vhosts that allow acme-tls/1.
TEST(TlsAlpn01Responder, AnswerOnlyTheNamesItIsGiven) {
  TlsAlpn01Responder r(table, clock);
  r.answer_only({"a.example", "2001:db8::1"});
  CHECK_TRUE(r.can_answer({"dns", "A.Example"}, false));
  CHECK_TRUE(r.can_answer({"ip", "2001:DB8:0::1"}, false));  // the same address
  CHECK_FALSE(r.can_answer({"dns", "b.example"}, false));
  CHECK_FALSE(r.can_answer({"ip", "192.0.2.1"}, false));
  r.answer_only({});
  CHECK_FALSE(r.can_answer({"dns", "a.example"}, false));
}

// RFC 8737 §3: a self-signed certificate naming exactly the identifier, with
// the critical acmeIdentifier extension holding SHA-256(key authorization)
// as a DER OCTET STRING.
TEST(TlsAlpn01Responder, PublishStoresChallengeCertificateAndKey) {
  TlsAlpn01Responder r(table, clock);
  Status st = r.publish({"dns", "a.example"}, "token1", kKeyAuthz);
  CHECK_TRUE_TEXT(st.ok(), st.message().c_str());
  Served s = served(table, "a.example");
  CHECK_TRUE(s.cert.names() == std::vector<std::string>{"a.example"});
  bool critical = false;
  CHECK_TRUE(std::string("\x04\x20", 2) + sha256(kKeyAuthz) == acme_identifier(s.cert, &critical));
  CHECK_TRUE(critical);
  CHECK_TRUE(s.cert.self_issued());
  CHECK_TRUE(s.cert.not_before() <= kNow && kNow < s.cert.not_after());
  auto key = PrivateKey::from_pem(s.key_pem);
  CHECK_TRUE(key.ok());
  CHECK_TRUE(key->type() == KeyType::kP256);
  LONGS_EQUAL(1, X509_check_private_key(s.cert.get(), key->get()));
}

// The handshake looks the SNI up as sent: any case, a trailing dot.
TEST(TlsAlpn01Responder, FoundBySniInAnyCase) {
  TlsAlpn01Responder r(table, clock);
  CHECK_TRUE(r.publish({"dns", "a.example"}, "token1", kKeyAuthz).ok());
  served(table, "A.Example.");
}

// RFC 8738 §6: for an IP the CA sends the reverse-DNS name as SNI; the
// certificate names the address as an iPAddress.
TEST(TlsAlpn01Responder, IpIdentifierKeyedByReverseName) {
  TlsAlpn01Responder r(table, clock);
  CHECK_TRUE(r.publish({"ip", "127.0.0.1"}, "token4", kKeyAuthz).ok());
  CHECK_TRUE(r.publish({"ip", "2001:db8::1"}, "token6", kKeyAuthz).ok());
  std::string blob;
  CHECK_FALSE(table.get("127.0.0.1", &blob));
  CHECK_TRUE(served(table, "1.0.0.127.in-addr.arpa").cert.names() ==
             std::vector<std::string>{"127.0.0.1"});
  CHECK_TRUE(
      served(table, "1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa.")
          .cert.names() == std::vector<std::string>{"2001:db8::1"});
}

TEST(TlsAlpn01Responder, PublishIsIdempotentWithdrawRemoves) {
  TlsAlpn01Responder r(table, clock);
  CHECK_TRUE(r.publish({"dns", "a.example"}, "token1", kKeyAuthz).ok());
  std::string first, again;
  CHECK_TRUE(table.get("a.example", &first));
  CHECK_TRUE(r.publish({"dns", "a.example"}, "token1", kKeyAuthz).ok());
  CHECK_TRUE(table.get("a.example", &again));
  CHECK_TRUE(first == again);  // not made anew on every poll
  r.withdraw({"dns", "a.example"}, "token1");
  CHECK_FALSE(table.get("a.example", &again));
  CHECK_TRUE(r.publish({"dns", "a.example"}, "token2", kKeyAuthz).ok());  // free again
}

// One SNI shows one certificate: a second order's token waits for the first.
TEST(TlsAlpn01Responder, OtherTokenForABusyNameWaits) {
  TlsAlpn01Responder r(table, clock);
  CHECK_TRUE(r.publish({"dns", "a.example"}, "token1", kKeyAuthz).ok());
  Status busy = r.publish({"dns", "a.example"}, "token2", "other.thumbprint");
  CHECK_FALSE(busy.ok());
  STRCMP_CONTAINS("busy", busy.message().c_str());
  r.withdraw({"dns", "a.example"}, "token2");  // not its answer: stays
  std::string blob;
  CHECK_TRUE(table.get("a.example", &blob));
  r.withdraw({"dns", "a.example"}, "token1");
  CHECK_FALSE(table.get("a.example", &blob));
}

// After a restart the responder knows nothing: what a job withdraws goes,
// and withdraw_all() clears what a previous watchdog left.
TEST(TlsAlpn01Responder, FreshResponderWithdrawsWhatIsLeft) {
  TlsAlpn01Responder before(table, clock);
  CHECK_TRUE(before.publish({"dns", "a.example"}, "token1", kKeyAuthz).ok());
  CHECK_TRUE(before.publish({"dns", "b.example"}, "token2", kKeyAuthz).ok());
  TlsAlpn01Responder after(table, clock);
  after.withdraw({"dns", "a.example"}, "token1");
  std::string blob;
  CHECK_FALSE(table.get("a.example", &blob));
  CHECK_TRUE(table.get("b.example", &blob));
  after.withdraw_all();
  CHECK_FALSE(table.get("b.example", &blob));
}

TEST(TlsAlpn01Responder, FullTableIsAnError) {
  TlsAlpn01Responder r(table, clock);
  for (int i = 0; i < 4; ++i)
    CHECK_TRUE(r.publish({"dns", "n" + std::to_string(i) + ".example"}, "t", kKeyAuthz).ok());
  Status full = r.publish({"dns", "more.example"}, "t", kKeyAuthz);
  CHECK_FALSE(full.ok());
  STRCMP_CONTAINS("tls-alpn-01 certificate for more.example", full.message().c_str());
}

TEST_GROUP(TlsAlpn01Names){};

TEST(TlsAlpn01Names, ReverseDnsNames) {
  STRCMP_EQUAL("1.0.0.127.in-addr.arpa", reverse_dns_name("127.0.0.1").c_str());
  STRCMP_EQUAL("4.3.2.1.in-addr.arpa", reverse_dns_name("1.2.3.4").c_str());
  STRCMP_EQUAL("1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.ip6.arpa",
               reverse_dns_name("::1").c_str());
  // RFC 3596 §2.5's example, written long and upper case.
  STRCMP_EQUAL("b.a.9.8.7.6.5.0.4.0.0.0.3.0.0.0.2.0.0.0.1.0.0.0.0.0.0.0.1.2.3.4.ip6.arpa",
               reverse_dns_name("4321:0:1:2:3:4:567:89AB").c_str());
  STRCMP_EQUAL("", reverse_dns_name("a.example").c_str());
  STRCMP_EQUAL("", reverse_dns_name("").c_str());
}

TEST(TlsAlpn01Names, ServerNameForIdentifier) {
  STRCMP_EQUAL("a.example", tls_alpn01_server_name({"dns", "A.Example"}).c_str());
  STRCMP_EQUAL("2.2.0.192.in-addr.arpa", tls_alpn01_server_name({"ip", "192.0.2.2"}).c_str());
  STRCMP_EQUAL("", tls_alpn01_server_name({"ip", "a.example"}).c_str());
  STRCMP_EQUAL("a.example", normalized_server_name("A.EXAMPLE.").c_str());
}

TEST(TlsAlpn01Names, SplitRefusesWhatIsNotCertAndKey) {
  std::string cert, key;
  CHECK_FALSE(split_challenge_pems("", &cert, &key));
  CHECK_FALSE(split_challenge_pems("-----BEGIN CERTIFICATE-----\nAA==\n-----END CERTIFICATE-----\n",
                                   &cert, &key));
}

TEST(TlsAlpn01Responder, ServedPemsAreWhatTheHandshakeShows) {
  TlsAlpn01Responder r(table, clock);
  STRCMP_EQUAL("", r.served_pems({"dns", "a.example"}, "t1").c_str());
  CHECK_TRUE(r.publish({"dns", "a.example"}, "t1", kKeyAuthz).ok());
  std::string blob;
  CHECK_TRUE(table.get("a.example", &blob));
  CHECK_TRUE(r.served_pems({"dns", "A.example."}, "t1") == blob);
  STRCMP_EQUAL("", r.served_pems({"dns", "a.example"}, "t2").c_str());
  r.withdraw({"dns", "a.example"}, "t1");
  STRCMP_EQUAL("", r.served_pems({"dns", "a.example"}, "t1").c_str());
}
