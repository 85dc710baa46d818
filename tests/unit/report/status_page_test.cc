// The status page (issue 9 item 6): text that comes from a CA (an error's
// detail) or a configuration reaches the HTML page escaped, so a CA cannot
// inject markup into an admin's browser; the JSON carries days_left; the
// server-status lines count days only for a certificate that exists.
#include "report/status_page.h"

#include <string>
#include <vector>

#include "json/json.h"
#include "renew/renew_test_util.h"

// Last: CppUTest redefines new for leak detection.
#include <CppUTest/TestHarness.h>

using namespace acme;
using namespace acme::testing;

namespace {

StatusRecord record(const std::string& name) {
  StatusRecord r;
  r.name = name;
  r.names = {name};
  r.key_type = "p256";
  r.state = "valid";
  r.serial = "0A";
  r.not_before = kStart - kDay;
  r.not_after = kStart + 30 * kDay;
  return r;
}

}  // namespace

TEST_GROUP(StatusPage){};

TEST(StatusPage, CaSuppliedTextIsEscapedInTheHtml) {
  StatusRecord r = record("a.example");
  r.state = "error";
  r.last_error = "the CA said: <script>alert(\"x\")</script> & more";
  std::string html = status_html({r}, kStart);
  CHECK(html.find("<script>") == std::string::npos);
  CHECK_TEXT(html.find("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; more") !=
                 std::string::npos,
             html.c_str());
}

TEST(StatusPage, EmptyListSaysSo) {
  CHECK(status_html({}, kStart).find("No certificates managed yet.") != std::string::npos);
}

TEST(StatusPage, JsonHasDaysLeftOnlyForACertificateThatExists) {
  StatusRecord none = record("b.example");
  none.not_after = TimePoint{};
  none.state = "missing";
  auto doc = Json::parse(status_json({record("a.example"), none}, kStart));
  CHECK(doc.ok());
  Json certs = doc->get("certificates");
  LONGS_EQUAL(2, certs.size());
  LONGS_EQUAL(30, certs.at(0).get_int_or("days_left", -1));
  LONGS_EQUAL(-1, certs.at(1).get_int_or("days_left", -1));
}

TEST(StatusPage, DaysUntilRoundsTowardsThePast) {
  LONGS_EQUAL(0, days_until(kStart + Seconds(86399), kStart));
  LONGS_EQUAL(1, days_until(kStart + kDay, kStart));
  LONGS_EQUAL(-1, days_until(kStart - Seconds(1), kStart));
  LONGS_EQUAL(-2, days_until(kStart - kDay - Seconds(1), kStart));
}

TEST(StatusPage, ServerStatusAutoLines) {
  StatusRecord none = record("b.example");
  none.not_after = TimePoint{};
  none.state = "missing";
  std::string lines = status_server_status({record("a.example"), none}, kStart, true);
  STRCMP_EQUAL(
      "ACMECertificate: a.example state=valid days_left=30\n"
      "ACMECertificate: b.example state=missing\n",
      lines.c_str());
}
