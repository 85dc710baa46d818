#include "json/json.h"

#include <string>

// Last: CppUTest redefines new for leak detection.
#include <CppUTest/TestHarness.h>

using namespace acme;

namespace {

Json parse(const std::string& text) {
  auto j = Json::parse(text);
  CHECK_TEXT(j.ok(), text.c_str());
  return *j;
}

void check_error_names(const Status& status, const std::string& key) {
  CHECK_FALSE(status.ok());
  CHECK(status.code() == Code::kProtocol);
  CHECK_TEXT(status.message().find("'" + key + "'") != std::string::npos, status.message().c_str());
}

const char kDoc[] =
    R"({"s":"text","i":42,"neg":-7,"b":true,"o":{"k":"v"},"a":["x","y"],"mixed":["x",1],)"
    R"("f":1.5,"n":null})";

}  // namespace

TEST_GROUP(Json){};

TEST(Json, TypedGettersReturnValues) {
  Json j = parse(kDoc);
  STRCMP_EQUAL("text", j.get_string("s")->c_str());
  LONGS_EQUAL(42, *j.get_int("i"));
  LONGS_EQUAL(-7, *j.get_int("neg"));
  CHECK_TRUE(j.get_bool_or("b", false));
  STRCMP_EQUAL("v", j.get_object("o")->get_string("k")->c_str());
  LONGS_EQUAL(2, j.get_array("a")->size());
  auto strings = j.get_string_array("a");
  CHECK(strings.ok());
  STRCMP_EQUAL("y", (*strings)[1].c_str());
  CHECK(j.has("n"));
  CHECK_FALSE(j.has("absent"));
}

TEST(Json, MissingMembersAreErrorsNamingTheKey) {
  Json j = parse(kDoc);
  check_error_names(j.get_string("absent").status(), "absent");
  check_error_names(j.get_int("absent").status(), "absent");
  check_error_names(j.get_object("absent").status(), "absent");
  check_error_names(j.get_array("absent").status(), "absent");
  check_error_names(j.get_string_array("absent").status(), "absent");
}

TEST(Json, MistypedMembersAreErrorsNamingTheKey) {
  Json j = parse(kDoc);
  check_error_names(j.get_string("i").status(), "i");
  check_error_names(j.get_int("s").status(), "s");
  check_error_names(j.get_int("f").status(), "f");  // a real is not an integer
  check_error_names(j.get_object("a").status(), "a");
  check_error_names(j.get_array("o").status(), "o");
  check_error_names(j.get_string("n").status(), "n");
  check_error_names(j.get_string_array("mixed").status(), "mixed[1]");
  STRCMP_EQUAL("JSON member 'i' is missing or not a string",
               j.get_string("i").status().message().c_str());
}

TEST(Json, FallbackGetters) {
  Json j = parse(kDoc);
  STRCMP_EQUAL("text", j.get_string_or("s", "d").c_str());
  STRCMP_EQUAL("d", j.get_string_or("i", "d").c_str());
  LONGS_EQUAL(42, j.get_int_or("i", 1));
  LONGS_EQUAL(1, j.get_int_or("s", 1));
  CHECK_FALSE(j.get_bool_or("s", false));  // not a boolean: the fallback
  CHECK_TRUE(j.get_bool_or("absent", true));
}

TEST(Json, GettersOnNonObjectsFailCleanly) {
  Json none;
  CHECK_FALSE(none.valid());
  CHECK_FALSE(none.has("a"));
  CHECK_FALSE(none.get("a").valid());
  check_error_names(none.get_string("a").status(), "a");
  LONGS_EQUAL(0, none.size());
  CHECK_FALSE(none.at(0).valid());
  STRCMP_EQUAL("null", none.dump().c_str());
  Json array = parse("[1]");
  check_error_names(array.get_int("a").status(), "a");
  STRCMP_EQUAL("", array.as_string().c_str());
  CHECK_FALSE(array.at(5).valid());
}

TEST(Json, ParseErrorsAreProtocolErrorsWithTheLine) {
  auto r = Json::parse("{\n\"a\": }");
  CHECK_FALSE(r.ok());
  CHECK(r.status().code() == Code::kProtocol);
  CHECK(r.status().message().find("line 2") != std::string::npos);
  CHECK_FALSE(Json::parse("").ok());
  CHECK(Json::parse("\"just a string\"")->is_string());  // any JSON value is accepted
}

TEST(Json, DumpSortsKeysAndIsCompact) {
  Json j = Json::object();
  j.set("zeta", "z").set("alpha", 1LL).set_bool("mid", false);
  j.set("nested", Json::object().set("b", "2").set("a", "1"));
  j.set("list", Json::array().append("x").append(Json::integer(3)));
  STRCMP_EQUAL(R"({"alpha":1,"list":["x",3],"mid":false,"nested":{"a":"1","b":"2"},"zeta":"z"})",
               j.dump().c_str());
  std::string pretty = j.dump_pretty();
  CHECK(pretty.find("\n  \"alpha\": 1") != std::string::npos);
  CHECK(pretty.find("alpha") < pretty.find("zeta"));
}

TEST(Json, BuildersEscapeAndReplace) {
  Json j = Json::object().set("k", "a\"b\\c\n");
  STRCMP_EQUAL(R"({"k":"a\"b\\c\n"})", j.dump().c_str());
  STRCMP_EQUAL("a\"b\\c\n", parse(j.dump()).get_string("k")->c_str());
  j.set("k", "new");
  STRCMP_EQUAL("new", j.get_string("k")->c_str());
  j.remove("k");
  CHECK_FALSE(j.has("k"));
  std::string with_nul("a\0b", 3);
  Json n = Json::object().set("k", with_nul);
  LONGS_EQUAL(3, n.get_string("k")->size());
}

TEST(Json, CopiesShareAndOutliveTheOriginal) {
  Json copy;
  {
    Json original = Json::object().set("k", "v");
    copy = original;
    Json moved = std::move(original);
    moved.set("k2", "v2");
  }
  STRCMP_EQUAL("v", copy.get_string("k")->c_str());
  STRCMP_EQUAL("v2", copy.get_string("k2")->c_str());  // reference semantics, like jansson
  Json& alias = copy;
  copy = alias;  // self-assignment keeps the value
  STRCMP_EQUAL("v", copy.get_string("k")->c_str());
}
