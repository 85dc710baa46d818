// The acme-status handler's choices: which format a request gets (query
// first, then Accept), its content type, and the bodies made from the
// records in the store.
#include "report/status_response.h"

#include <string>

#include "renew/renew_test_util.h"
#include "report/status_record.h"

// Last: CppUTest redefines new for leak detection.
#include <CppUTest/TestHarness.h>

using namespace acme;
using namespace acme::testing;

namespace {

bool has(const std::string& text, const std::string& needle) {
  return text.find(needle) != std::string::npos;
}

}  // namespace

TEST_GROUP(StatusResponse) {
  MemoryStore store;

  void setup() override {
    StatusRecord r;
    r.name = "a.example";
    r.names = {"a.example"};
    r.key_type = "p256";
    r.state = "valid";
    r.serial = "0A";
    r.not_before = kStart - kDay;
    r.not_after = kStart + 30 * kDay;
    CHECK(write_status_record(store, r).ok());
  }
};

TEST(StatusResponse, HtmlUnlessAskedOtherwise) {
  CHECK(wanted_status_format(nullptr, nullptr) == StatusFormat::kHtml);
  CHECK(wanted_status_format("", "text/html,*/*") == StatusFormat::kHtml);
  STRCMP_EQUAL("text/html; charset=utf-8", status_content_type(StatusFormat::kHtml));
}

TEST(StatusResponse, TheQueryChoosesFirst) {
  CHECK(wanted_status_format("json", nullptr) == StatusFormat::kJson);
  CHECK(wanted_status_format("x=1&json", nullptr) == StatusFormat::kJson);
  CHECK(wanted_status_format("metrics", "application/json") == StatusFormat::kMetrics);
  CHECK(wanted_status_format("a=1&metrics=yes", nullptr) == StatusFormat::kMetrics);
  CHECK(wanted_status_format("json", "text/plain; version=0.0.4") == StatusFormat::kJson);
  // An argument that only starts with "metrics" is another argument.
  CHECK(wanted_status_format("metricsx", nullptr) == StatusFormat::kHtml);
}

TEST(StatusResponse, ThenTheAcceptHeader) {
  CHECK(wanted_status_format(nullptr, "application/json") == StatusFormat::kJson);
  CHECK(wanted_status_format(nullptr, "text/plain;version=0.0.4;q=0.5,*/*;q=0.1") ==
        StatusFormat::kMetrics);
  CHECK(wanted_status_format(nullptr, "text/plain") == StatusFormat::kHtml);
  STRCMP_EQUAL("application/json", status_content_type(StatusFormat::kJson));
  STRCMP_EQUAL("text/plain; version=0.0.4; charset=utf-8",
               status_content_type(StatusFormat::kMetrics));
}

TEST(StatusResponse, BodiesShowTheStoresRecords) {
  std::string json = status_body(StatusFormat::kJson, store, kStart);
  CHECK(has(json, "\"a.example\""));
  CHECK(has(json, "\"days_left\": 30"));
  CHECK(has(status_body(StatusFormat::kHtml, store, kStart), "<td>a.example</td>"));
  std::string metrics = status_body(StatusFormat::kMetrics, store, kStart);
  CHECK(has(metrics, "# TYPE "));
  CHECK(has(metrics, "name=\"a.example\""));
}

TEST(StatusResponse, ServerStatusSection) {
  STRCMP_EQUAL("ACMECertificate: a.example state=valid days_left=30\n",
               server_status_section(store, kStart, true).c_str());
}

TEST(StatusResponse, AnEmptyStoreShowsNoCertificate) {
  MemoryStore empty;
  CHECK(has(status_body(StatusFormat::kHtml, empty, kStart), "No certificates managed yet."));
  CHECK_FALSE(has(status_body(StatusFormat::kJson, empty, kStart), "a.example"));
}
