#include "store/layout.h"

#include <stdlib.h>

#include <filesystem>
#include <string>

#include "store/file_store.h"

// Last: CppUTest redefines new for leak detection.
#include <CppUTest/TestHarness.h>

using namespace acme;

TEST_GROUP(Layout){};

TEST(Layout, CaIdIsStableForExistingStores) {
  STRCMP_EQUAL("127.0.0.1_14000_dir", layout::ca_id("https://127.0.0.1:14000/dir").c_str());
  STRCMP_EQUAL("acme-v02.api.letsencrypt.org_directory",
               layout::ca_id("https://acme-v02.api.letsencrypt.org/directory").c_str());
}

// One CA, one account directory, however the admin spells its URL.
TEST(Layout, SpellingsOfOneCaShareAnId) {
  const std::string id = layout::ca_id("https://ca.test/dir");
  for (const char* spelling :
       {"https://ca.test/dir/", "https://CA.Test/dir", "HTTPS://ca.test:443/dir//"}) {
    STRCMP_EQUAL(id.c_str(), layout::ca_id(spelling).c_str());
  }
  CHECK(id != layout::ca_id("https://ca.test/DIR"));  // paths are case-sensitive
  CHECK(id != layout::ca_id("https://ca.test:8443/dir"));
}

namespace {

// A DNS name of exactly `length` characters (labels of at most 63).
std::string name_of_length(std::size_t length) {
  std::string name;
  while (name.size() < length) {
    std::size_t label = std::min<std::size_t>(63, length - name.size());
    if (!name.empty()) {
      name += '.';
      label = std::min<std::size_t>(63, length - name.size());
    }
    name += std::string(label, 'a');
  }
  return name;
}

}  // namespace

// "<name>_rsa4096.json.tmp.<7-digit pid>.<10-digit counter>".
TEST(Layout, LongestFileName) {
  LONGS_EQUAL(9 + 8 + 5 + 23, layout::longest_file_name("a.example"));
  LONGS_EQUAL(11 + 8 + 5 + 23, layout::longest_file_name("*.a.example"));  // "_.a.example"
}

// The finding: a valid 251-character name passed `apachectl -t`, then every
// store write failed with "File name too long".
TEST(Layout, NamesPastNameMaxAreRefused) {
  STRCMP_EQUAL("", layout::name_length_problem("a.example").c_str());
  STRCMP_EQUAL("", layout::name_length_problem(name_of_length(219)).c_str());
  for (std::size_t length : {220, 251, 253}) {
    std::string why = layout::name_length_problem(name_of_length(length));
    CHECK_TEXT(why.find("at most 219 characters") != std::string::npos, why.c_str());
    CHECK_TEXT(why.find("past the file system's limit of 255") != std::string::npos, why.c_str());
  }
}

// The longest accepted name does fit: FileStore writes its longest file.
TEST(Layout, LongestAcceptedNameFitsTheFileStore) {
  char tmpl[] = "/tmp/layout_test.XXXXXX";
  CHECK(mkdtemp(tmpl) != nullptr);
  {
    FileStore store(tmpl);
    const std::string name = name_of_length(219);
    Status written = store.write("status/" + name + "_rsa4096.json", "{}");
    CHECK_TEXT(written.ok(), written.to_string().c_str());
  }
  std::error_code ec;
  std::filesystem::remove_all(tmpl, ec);
}
