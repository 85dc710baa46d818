// A record file's text (pretty JSON, a final newline) and reading one back
// through a record's reader: its refusal and a syntax error come back as
// they are.
#include "json/record_file.h"

#include <string>

// Last: CppUTest redefines new for leak detection.
#include <CppUTest/TestHarness.h>

using namespace acme;

namespace {

struct Named {
  std::string name;
  long long count = 0;
};

Status read_named(const Json& json, Named* named) {
  auto name = json.get_string("name");
  if (!name.ok()) return name.status();
  named->name = *name;
  named->count = json.get_int_or("count", 0);
  return Status();
}

}  // namespace

TEST_GROUP(RecordFile){};

TEST(RecordFile, TextIsPrettyJsonWithAFinalNewlineAndReadsBack) {
  Json record = Json::object();
  record.set("name", "example.org").set("count", 3LL);
  const std::string text = record_file_text(record);
  CHECK(text.size() > 2 && text.back() == '\n' && text[text.size() - 2] == '}');
  CHECK(text.find("\n  \"name\"") != std::string::npos);  // one member a line
  Result<Named> back = parse_record_file(text, read_named);
  CHECK(back.ok());
  STRCMP_EQUAL("example.org", back->name.c_str());
  LONGS_EQUAL(3, back->count);
}

TEST(RecordFile, TheReadersRefusalComesBack) {
  Result<Named> back = parse_record_file(std::string("{\"count\": 1}\n"), read_named);
  CHECK(!back.ok());
  CHECK(back.status().message().find("name") != std::string::npos);
}

TEST(RecordFile, ASyntaxErrorComesBackWithoutCallingTheReader) {
  Result<Named> back =
      parse_record_file<Named>("{\"name\": ", [](const Json&, Named*) { return Status(); });
  CHECK(!back.ok());
}
