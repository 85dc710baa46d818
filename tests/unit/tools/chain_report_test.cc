#include "acmectl/chain_report.h"

#include <string>
#include <utility>
#include <vector>

#include "crypto/crypto_test_util.h"

#include <CppUTest/TestHarness.h>

using namespace acme;
using namespace acme::ctl;
using namespace acme::testing;

namespace {

const TimePoint kNow = kTestNow;  // the chain's
const auto kDay = std::chrono::hours(24);

struct Pki : TestChain {
  Issued leaf = issue_leaf("DNS:a.example,DNS:www.a.example,IP:192.0.2.1", kNow + 59 * kDay, 3);
};

Certificate copy(const Certificate& cert) {
  return Certificate::from_der(cert.to_der()).value();
}

std::vector<Certificate> chain_of(std::initializer_list<const Issued*> issued) {
  std::vector<Certificate> out;
  for (const Issued* i : issued) out.push_back(copy(i->cert));
  return out;
}

bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

// The report has exactly one finding, of this severity, whose problem and
// fix mention the given texts.
void check_single(const ChainReport& report, Severity severity, const std::string& problem,
                  const std::string& fix) {
  std::string text = format_report(report);
  LONGS_EQUAL_TEXT(1, report.findings.size(), text.c_str());
  const Finding& f = report.findings.front();
  CHECK_TEXT(f.severity == severity, text.c_str());
  CHECK_TEXT(contains(f.problem, problem), text.c_str());
  CHECK_TEXT(contains(f.fix, fix), text.c_str());
}

}  // namespace

TEST_GROUP(ChainReport) {
  Pki* pki = nullptr;
  TrustAnchors* anchors = nullptr;

  void setup() override {
    pki = new Pki;
    anchors = new TrustAnchors(TrustAnchors::from_certs(chain_of({&pki->root})).value());
  }
  void teardown() override {
    delete anchors;
    delete pki;
  }
  ChainReport analyze(const std::vector<Certificate>& served, const std::string& name = "a.example",
                      TimePoint now = kNow) {
    return analyze_chain(served, *anchors, name, now);
  }
};

TEST(ChainReport, CompleteChainIsWell) {
  ChainReport report = analyze(chain_of({&pki->leaf, &pki->intermediate}));
  std::string text = format_report(report);
  CHECK_TEXT(report.findings.empty(), text.c_str());
  LONGS_EQUAL(3, report.path.size());  // leaf, intermediate, anchor
  LONGS_EQUAL(2, report.served.size());
  LONGS_EQUAL(59, report.days_left);
  CHECK(contains(report.chain_text, "complete"));
  CHECK(contains(report.chain_text, "CN=Test Root"));
  CHECK(contains(text, "a.example is covered"));
  CHECK(contains(text, "All is well."));
  CHECK(contains(text, "[1] CN=Test Intermediate"));
}

TEST(ChainReport, ServedRootThatIsTrustedIsWell) {
  ChainReport report = analyze(chain_of({&pki->leaf, &pki->intermediate, &pki->root}));
  CHECK_TEXT(report.findings.empty(), format_report(report).c_str());
}

TEST(ChainReport, LeafOnlyMissesTheIntermediate) {
  ChainReport report = analyze(chain_of({&pki->leaf}));
  check_single(report, Severity::kError, "not the intermediate 'CN=Test Intermediate'",
               "send the intermediate: use fullchain.pem (SSLCertificateFile .../fullchain.pem), "
               "not cert.pem");
  CHECK(report.has_errors());
  CHECK(report.path.empty());
  CHECK(contains(report.chain_text, "INCOMPLETE"));
  std::string text = format_report(report);
  CHECK(contains(text, "ERROR: the server sends only its own certificate"));
  CHECK(contains(text, "\nFIX: send the intermediate"));
  CHECK(contains(text, "1 error, 0 warnings."));
}

TEST(ChainReport, WrongIntermediate) {
  Issued other = issue("Other Intermediate", &pki->root, "", kNow - kDay, kNow + 365 * kDay, 9);
  ChainReport report = analyze(chain_of({&pki->leaf, &other}));
  check_single(report, Severity::kError, "none of the certificates the server sends issued",
               "fullchain.pem");
}

TEST(ChainReport, UntrustedRoot) {
  TrustAnchors none = TrustAnchors::from_certs({}).value();
  ChainReport report =
      analyze_chain(chain_of({&pki->leaf, &pki->intermediate}), none, "a.example", kNow);
  check_single(report, Severity::kError, "whose issuer 'CN=Test Root' is not a trusted root",
               "--ca-file");
  report = analyze_chain(chain_of({&pki->leaf, &pki->intermediate, &pki->root}), none, "a.example",
                         kNow);
  check_single(report, Severity::kError, "leads to the root 'CN=Test Root'", "publicly trusted");
}

TEST(ChainReport, ExpiredLeaf) {
  ChainReport report =
      analyze(chain_of({&pki->leaf, &pki->intermediate}), "a.example", kNow + 60 * kDay);
  check_single(report, Severity::kError, "has expired",
               "the certificate expired on 2026-03-01T00:00:00Z: renew it (acmectl renew "
               "a.example if mod_acme manages it)");
  CHECK(report.days_left < 0);
  CHECK(contains(format_report(report), "EXPIRED"));
}

TEST(ChainReport, NotYetValidLeaf) {
  ChainReport report =
      analyze(chain_of({&pki->leaf, &pki->intermediate}), "a.example", kNow - 2 * kDay);
  check_single(report, Severity::kError, "not valid yet", "clock");
}

TEST(ChainReport, ExpiringSoonIsOnlyAWarning) {
  ChainReport report =
      analyze(chain_of({&pki->leaf, &pki->intermediate}), "a.example", kNow + 56 * kDay);
  check_single(report, Severity::kWarning, "expires in 3 days", "acmectl renew a.example");
  CHECK_FALSE(report.has_errors());
  CHECK(contains(format_report(report), "1 warning, no error."));
}

TEST(ChainReport, ExpiredIntermediate) {
  Issued old = issue("Old Intermediate", &pki->root, "", kNow - 400 * kDay, kNow - kDay, 5);
  Issued leaf = issue("a.example", &old, "DNS:a.example", kNow - 2 * kDay, kNow + 30 * kDay, 6);
  ChainReport report = analyze(chain_of({&leaf, &old}));
  check_single(report, Severity::kError, "the CA certificate 'CN=Old Intermediate'",
               "current chain");
}

TEST(ChainReport, NameMismatch) {
  ChainReport report = analyze(chain_of({&pki->leaf, &pki->intermediate}), "b.example");
  check_single(report, Severity::kError,
               "does not cover b.example: it names a.example, www.a.example, 192.0.2.1",
               "ACMEDomain");
  CHECK(contains(report.name_text, "NOT covered"));
}

TEST(ChainReport, NamesMatchLikeTlsClients) {
  CHECK(analyze(chain_of({&pki->leaf, &pki->intermediate}), "WWW.A.EXAMPLE").findings.empty());
  CHECK(analyze(chain_of({&pki->leaf, &pki->intermediate}), "192.0.2.1").findings.empty());
  CHECK_FALSE(analyze(chain_of({&pki->leaf, &pki->intermediate}), "192.0.2.2").findings.empty());
  // The subject CN alone does not count (RFC 6125 §6.4.4; browsers ignore it).
  Issued cn_only =
      issue_with_extensions("c.example", pki->intermediate, kNow - kDay, kNow + 30 * kDay, 7, {});
  CHECK_FALSE(analyze(chain_of({&cn_only, &pki->intermediate}), "c.example").findings.empty());
}

TEST(ChainReport, SelfSigned) {
  Issued self = issue("a.example", nullptr, "DNS:a.example", kNow - kDay, kNow + 30 * kDay, 8);
  ChainReport report = analyze(chain_of({&self}));
  check_single(report, Severity::kError, "self-signed", "ACMEDomain");
  CHECK(contains(report.chain_text, "self-signed"));
}

TEST(ChainReport, NothingServed) {
  ChainReport report = analyze({});
  CHECK(report.has_errors());
}

TEST(ChainReport, LeafIssuer) {
  std::vector<Certificate> served = chain_of({&pki->leaf, &pki->intermediate});
  ChainReport report = analyze(served);
  const Certificate* issuer = leaf_issuer(report, served);
  CHECK(issuer != nullptr);
  STRCMP_EQUAL("CN=Test Intermediate", issuer->subject().c_str());
  TrustAnchors none = TrustAnchors::from_certs({}).value();
  ChainReport untrusted = analyze_chain(served, none, "a.example", kNow);
  CHECK(leaf_issuer(untrusted, served) == &served[1]);  // found among the served ones
  std::vector<Certificate> leaf_only = chain_of({&pki->leaf});
  ChainReport missing = analyze(leaf_only);
  CHECK(leaf_issuer(missing, leaf_only) == nullptr);
}

TEST(ChainReport, OcspOutcomes) {
  const std::string url = "http://ocsp.example/";
  ChainReport good = analyze(chain_of({&pki->leaf, &pki->intermediate}));
  OcspResult result;
  result.status = CertStatus::kGood;
  result.next_update = kNow + kDay;
  add_ocsp_result(good, url, result);
  CHECK(good.findings.empty());
  CHECK(contains(good.ocsp_text, "good"));

  ChainReport revoked = analyze(chain_of({&pki->leaf, &pki->intermediate}));
  result.status = CertStatus::kRevoked;
  result.reason = 1;
  result.revoked_at = kNow - kDay;
  add_ocsp_result(revoked, url, result);
  check_single(revoked, Severity::kError, "keyCompromise", "acmectl renew a.example");

  ChainReport unknown = analyze(chain_of({&pki->leaf, &pki->intermediate}));
  result.status = CertStatus::kUnknown;
  add_ocsp_result(unknown, url, result);
  check_single(unknown, Severity::kWarning, "does not know this certificate", "");

  ChainReport failed = analyze(chain_of({&pki->leaf, &pki->intermediate}));
  add_ocsp_result(failed, url, Status(Code::kNetwork, "connection refused"));
  check_single(failed, Severity::kWarning, "connection refused", "");
  CHECK_FALSE(failed.has_errors());
}

TEST(ChainReport, AnchorsFromAMissingFile) {
  Result<TrustAnchors> anchors = TrustAnchors::load("/nonexistent/roots.pem");
  CHECK_FALSE(anchors.ok());
  CHECK(contains(anchors.status().message(), "--ca-file /nonexistent/roots.pem"));
  TempFile pem(pki->root.cert.to_pem());
  Result<TrustAnchors> loaded = TrustAnchors::load(pem.path());
  CHECK(loaded.ok());
  CHECK(contains(loaded->source(), pem.path()));
}
