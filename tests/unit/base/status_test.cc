// code_name(): every Code has its own name, which Status::to_string() leads with.
#include "base/status.h"

#include <set>
#include <string>

// Last: CppUTest redefines new for leak detection.
#include <CppUTest/TestHarness.h>

using namespace acme;

TEST_GROUP(StatusCode){};

TEST(StatusCode, EveryCodeHasItsOwnName) {
  const Code all[] = {Code::kOk,           Code::kInvalidArgument, Code::kNotFound, Code::kIo,
                      Code::kCrypto,       Code::kNetwork,         Code::kProtocol, Code::kProblem,
                      Code::kVerifyFailed, Code::kTimeout,         Code::kPending};
  std::set<std::string> names;
  for (Code code : all) {
    const std::string name = code_name(code);
    CHECK_TEXT(name != "unknown", name.c_str());
    names.insert(name);
  }
  LONGS_EQUAL(sizeof(all) / sizeof(all[0]), names.size());
  STRCMP_EQUAL("invalid argument", code_name(Code::kInvalidArgument));
  STRCMP_EQUAL("CA problem", code_name(Code::kProblem));
}

TEST(StatusCode, ToStringLeadsWithTheCodesName) {
  STRCMP_EQUAL("i/o error: disk full", Status(Code::kIo, "disk full").to_string().c_str());
  STRCMP_EQUAL("ok", Status().to_string().c_str());
}
