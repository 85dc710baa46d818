#include "report/metrics.h"

#include <string>
#include <vector>

#include "base/clock.h"
#include "report/status_records.h"

#include <CppUTest/TestHarness.h>

using namespace acme;
using acme::testing::valid_status_record;

namespace {

const TimePoint kNow = from_unix(1767225600);  // 2026-01-01T00:00:00Z

bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

int count(const std::string& haystack, const std::string& needle) {
  int n = 0;
  for (auto at = haystack.find(needle); at != std::string::npos; at = haystack.find(needle, at + 1))
    ++n;
  return n;
}

}  // namespace

TEST_GROUP(Metrics){};

TEST(Metrics, TimesAreUnixSecondsPerName) {
  const std::string text = metrics_text({valid_status_record(kNow, "a.test")});
  CHECK(contains(text, "acme_certificate_expiry_timestamp_seconds{name=\"a.test\"} " +
                           std::to_string(1767225600 + 59 * 86400) + "\n"));
  CHECK(contains(text, "acme_certificate_next_renewal_timestamp_seconds{name=\"a.test\"} " +
                           std::to_string(1767225600 + 39 * 86400) + "\n"));
  CHECK(contains(text, "acme_certificate_last_success_timestamp_seconds{name=\"a.test\"} " +
                           std::to_string(1767225600 - 86400 + 5) + "\n"));
  CHECK(contains(text, "acme_certificate_renewal_failures{name=\"a.test\"} 0\n"));
}

TEST(Metrics, EveryFamilyHasHelpAndTypeOnce) {
  const std::string text =
      metrics_text({valid_status_record(kNow, "a.test"), valid_status_record(kNow, "b.test")});
  for (const char* family :
       {"acme_certificate_expiry_timestamp_seconds",
        "acme_certificate_next_renewal_timestamp_seconds",
        "acme_certificate_last_success_timestamp_seconds", "acme_certificate_renewal_failures",
        "acme_certificate_ocsp_status", "acme_certificate_state"}) {
    CHECK_EQUAL(1, count(text, std::string("# HELP ") + family + " "));
    CHECK_EQUAL(1, count(text, std::string("# TYPE ") + family + " gauge\n"));
  }
  CHECK(text.back() == '\n');
}

// Families stay grouped and samples sorted by name whatever the store's order.
TEST(Metrics, SamplesSortedByName) {
  const std::string text =
      metrics_text({valid_status_record(kNow, "b.test"), valid_status_record(kNow, "a.test")});
  const auto a = text.find("acme_certificate_expiry_timestamp_seconds{name=\"a.test\"}");
  const auto b = text.find("acme_certificate_expiry_timestamp_seconds{name=\"b.test\"}");
  CHECK(a != std::string::npos && b != std::string::npos && a < b);
}

TEST(Metrics, OcspAndStateAsOneSeriesPerValue) {
  StatusRecord r = valid_status_record(kNow, "a.test");
  r.ocsp_status = "revoked";
  const std::string text = metrics_text({r});
  CHECK(contains(text, "acme_certificate_ocsp_status{name=\"a.test\",status=\"revoked\"} 1\n"));
  CHECK(contains(text, "acme_certificate_ocsp_status{name=\"a.test\",status=\"good\"} 0\n"));
  CHECK(contains(text, "acme_certificate_ocsp_status{name=\"a.test\",status=\"unknown\"} 0\n"));
  CHECK(contains(text, "acme_certificate_state{name=\"a.test\",state=\"valid\"} 1\n"));
  CHECK(contains(text, "acme_certificate_state{name=\"a.test\",state=\"error\"} 0\n"));
}

TEST(Metrics, UnknownStateStillShown) {
  StatusRecord r = valid_status_record(kNow, "a.test");
  r.state = "paused";
  CHECK(
      contains(metrics_text({r}), "acme_certificate_state{name=\"a.test\",state=\"paused\"} 1\n"));
}

// A certificate the CA never issued: failures and state, no times it lacks.
TEST(Metrics, ErrorRecordWithoutCertificate) {
  StatusRecord r;
  r.name = "a.test";
  r.state = "error";
  r.failures = 3;
  r.last_error_at = kNow;
  r.next_renewal = kNow + std::chrono::minutes(10);
  const std::string text = metrics_text({r});
  CHECK(contains(text, "acme_certificate_renewal_failures{name=\"a.test\"} 3\n"));
  CHECK(contains(text,
                 "acme_certificate_last_error_timestamp_seconds{name=\"a.test\"} 1767225600\n"));
  CHECK(!contains(text, "acme_certificate_expiry_timestamp_seconds{"));
  CHECK(!contains(text, "acme_certificate_last_success_timestamp_seconds{"));
  CHECK(!contains(text, "acme_certificate_ocsp_status{"));
}

TEST(Metrics, NoRecordsOnlyHeaders) {
  const std::string text = metrics_text({});
  CHECK(contains(text, "# TYPE acme_certificate_expiry_timestamp_seconds gauge\n"));
  CHECK(!contains(text, "{"));
}

TEST(Metrics, EscapeLabelValue) {
  STRCMP_EQUAL("plain.test", escape_label_value("plain.test").c_str());
  STRCMP_EQUAL("a\\\\b", escape_label_value("a\\b").c_str());
  STRCMP_EQUAL("a\\\"b", escape_label_value("a\"b").c_str());
  STRCMP_EQUAL("a\\nb", escape_label_value("a\nb").c_str());
  STRCMP_EQUAL("\\\\\\\"\\n", escape_label_value("\\\"\n").c_str());
}

// A hostile name cannot end the label, add a label or start a line of its own.
TEST(Metrics, HostileNameStaysInsideItsLabel) {
  StatusRecord r = valid_status_record(kNow, "x\"} 1\nacme_fake{name=\"\\");
  const std::string text = metrics_text({r});
  CHECK(contains(
      text, "acme_certificate_renewal_failures{name=\"x\\\"} 1\\nacme_fake{name=\\\"\\\\\"} 0\n"));
  for (std::size_t at = 0; at < text.size();) {
    const auto end = text.find('\n', at);
    const std::string line = text.substr(at, end - at);
    CHECK(line.rfind("acme_certificate_", 0) == 0 || line.rfind("# ", 0) == 0);
    at = end + 1;
  }
}

TEST(Metrics, AcceptsPrometheusText) {
  CHECK(accepts_prometheus_text("text/plain; version=0.0.4"));
  CHECK(accepts_prometheus_text("text/plain;version=0.0.4;q=0.5"));
  // What Prometheus 2.x sends.
  CHECK(accepts_prometheus_text(
      "application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;"
      "q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1"));
  CHECK(accepts_prometheus_text("Text/Plain ; charset=utf-8; Version=0.0.4"));
  CHECK(!accepts_prometheus_text("text/plain"));
  CHECK(!accepts_prometheus_text("application/json"));
  CHECK(!accepts_prometheus_text("text/html, text/plain;version=1.0.0"));
  CHECK(!accepts_prometheus_text("application/json; version=0.0.4"));
  CHECK(!accepts_prometheus_text(""));
}

TEST(Metrics, CaCountersByType) {
  RequestCounts c;
  c.requests = 17;
  c.errors["badNonce"] = 2;
  c.errors["rateLimited"] = 1;
  const std::string text = metrics_text({}, {CaCounts{"https://127.0.0.1:14000/dir", c}});
  CHECK(contains(text, "# TYPE acme_ca_requests_total counter\n"));
  CHECK(contains(text, "# TYPE acme_ca_errors_total counter\n"));
  CHECK(contains(text, "acme_ca_requests_total{ca=\"https://127.0.0.1:14000/dir\"} 17\n"));
  CHECK(contains(text,
                 "acme_ca_errors_total{ca=\"https://127.0.0.1:14000/dir\",type=\"badNonce\"} 2\n"));
  CHECK(contains(
      text, "acme_ca_errors_total{ca=\"https://127.0.0.1:14000/dir\",type=\"rateLimited\"} 1\n"));
}

TEST(Metrics, HostileCaAndTypeEscaped) {
  RequestCounts c;
  c.requests = 1;
  c.errors["a\"b\nc"] = 1;
  const std::string text = metrics_text({}, {CaCounts{"https://x/\\\"\n", c}});
  CHECK(
      contains(text, "acme_ca_errors_total{ca=\"https://x/\\\\\\\"\\n\",type=\"a\\\"b\\nc\"} 1\n"));
}
