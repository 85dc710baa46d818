#include "acmectl/request_cmd.h"

#include <sstream>
#include <string>

#include "json/json.h"
#include "report/status_record.h"
#include "store/layout.h"
#include "tools/ctl_test_util.h"

#include <CppUTest/TestHarness.h>

using namespace acme;
using namespace acme::ctl;
using namespace acme::testing;

namespace {

const TimePoint kNow = from_unix(1767225600);  // 2026-01-01T00:00:00Z

bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

}  // namespace

TEST_GROUP(RequestCmd) {
  TempStore* temp = nullptr;
  std::ostringstream out, err;

  void setup() override {
    temp = new TempStore;
    StatusRecord r;
    r.name = "a.example";
    r.state = "valid";
    CHECK(write_status_record(store(), r).ok());
    CHECK(store().write("live/b.example/cert.pem", "not read here").ok());
  }
  void teardown() override {
    delete temp;
  }
  Store& store() {
    return temp->store();
  }
  Args args(Command command, const std::string& name, const std::string& reason = "unspecified") {
    Args a;
    a.command = command;
    a.name = name;
    a.reason = reason;
    return a;
  }
};

TEST(RequestCmd, RenewWritesTheRequest) {
  Result<std::string> done = request_renewal(store(), "a.example", kNow);
  CHECK_TEXT(done.ok(), done.status().message().c_str());
  CHECK(contains(*done, "mod_acme's watchdog will renew a.example within a few seconds"));
  CHECK(contains(*done, "ACME10030"));
  Result<AdminRequest> request = read_admin_request(store(), "a.example");
  CHECK(request.ok());
  CHECK(request->action == RequestAction::kRenew);
  CHECK(request->requested == kNow);
}

TEST(RequestCmd, ALiveSetWithoutRecordIsManaged) {
  CHECK(check_managed(store(), "b.example").ok());
  LONGS_EQUAL(kExitOk, run_request(store(), args(Command::kRenew, "b.example"), kNow, out, err));
  CHECK(read_admin_request(store(), "b.example").ok());
}

TEST(RequestCmd, RevokeWritesTheReason) {
  LONGS_EQUAL(kExitOk, run_request(store(), args(Command::kRevoke, "a.example", "keyCompromise"),
                                   kNow, out, err));
  CHECK(contains(out.str(), "revocation of a.example"));
  Result<AdminRequest> request = read_admin_request(store(), "a.example");
  CHECK(request.ok());
  CHECK(request->action == RequestAction::kRevoke);
  LONGS_EQUAL(1, request->reason);
  LONGS_EQUAL(kExitOk, run_request(store(), args(Command::kRevoke, "b.example"), kNow, out, err));
  LONGS_EQUAL(0, read_admin_request(store(), "b.example")->reason);
}

TEST(RequestCmd, RejectsUnknownNames) {
  Status status = check_managed(store(), "c.example");
  CHECK(status.code() == Code::kNotFound);
  CHECK_TEXT(contains(status.message(), "it manages: a.example, b.example"),
             status.message().c_str());
  LONGS_EQUAL(kExitProblem,
              run_request(store(), args(Command::kRenew, "c.example"), kNow, out, err));
  CHECK(contains(err.str(), "acmectl renew: c.example is not managed"));
  CHECK_FALSE(store().exists("requests/c.example.json"));
}

TEST(RequestCmd, RejectsNamesThatAreNoNames) {
  for (const char* bad : {"../a.example", "a/b", "", ".hidden", "a b"}) {
    CHECK(check_managed(store(), bad).code() == Code::kInvalidArgument);
  }
  LONGS_EQUAL(kExitUsage, run_request(store(), args(Command::kRenew, "a/b"), kNow, out, err));
}

TEST(RequestCmd, RejectsBadReasonsWithoutWriting) {
  LONGS_EQUAL(kExitUsage,
              run_request(store(), args(Command::kRevoke, "a.example", "oops"), kNow, out, err));
  CHECK(contains(err.str(), "not a revocation reason"));
  CHECK_FALSE(store().exists("requests/a.example.json"));
}

// `acmectl rollover`: one request for the watchdog, for every CA's account.
TEST(RequestCmd, RolloverNeedsAnAccountThenWritesItsRequest) {
  const std::string path = std::string("requests/") + layout::kAccountRolloverRequest;
  LONGS_EQUAL(kExitProblem, run_request(store(), args(Command::kRollover, ""), kNow, out, err));
  CHECK_TEXT(contains(err.str(), "acmectl rollover: there is no ACME account in"),
             err.str().c_str());
  CHECK_FALSE(store().exists(path));
  CHECK(store().write(layout::account_dir("https://ca.test/dir") + "/account.json", "{}").ok());
  LONGS_EQUAL(kExitOk, run_request(store(), args(Command::kRollover, ""), kNow, out, err));
  CHECK_TEXT(contains(out.str(), "ACME10121"), out.str().c_str());
  CHECK(contains(out.str(), "ca.test_dir"));
  auto request = Json::parse(*store().read(path));
  CHECK(request.ok());
  STRCMP_EQUAL("rollover", request->get_string_or("action", "").c_str());
  STRCMP_EQUAL("2026-01-01T00:00:00Z", request->get_string_or("requested", "").c_str());
}
