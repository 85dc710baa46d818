// The CA and account directives: the value each keeps, and the text
// `apachectl -t` prints for a refused one (directive, value, fix).
#include <string>
#include <vector>

#include "config/config_test_util.h"
#include "config/directive_values.h"

// Last: CppUTest redefines new for leak detection.
#include <CppUTest/TestHarness.h>

using namespace acme;
using namespace acme::testing;

namespace {

constexpr const char kNotUrl[] =
    "is neither an https:// directory URL nor a known CA name (letsencrypt, "
    "letsencrypt-staging, zerossl, buypass, google)";
// The HMAC key pebble's example configuration gives kid-1 (48 bytes).
constexpr const char kPebbleKey[] =
    "zWNDZM6eQGHWpSRTPal5eIUYFTu7EajVIoguysqZ9wG44nMEtx3MUAsUDkMTQ12W";

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

std::string cas_refusal(const std::vector<std::string>& args) {
  return refusal("ACMECertificateAuthority", parse_cas(args));
}

std::string eab_refusal(const std::string& kid, const std::string& key) {
  return refusal("ACMEExternalAccountBinding",
                 parse_eab_directive(kid, key.c_str(), [](const std::string& p) { return p; }));
}

}  // namespace

TEST_GROUP(CaValues){};

TEST(CaValues, CasKeepUrlsAndResolveKnownNames) {
  auto urls = parse_cas({"https://127.0.0.1:9/dir", "letsencrypt"});
  CHECK(urls.ok());
  LONGS_EQUAL(2, urls->size());
  STRCMP_EQUAL("https://127.0.0.1:9/dir", (*urls)[0].c_str());
  STRCMP_EQUAL("https://acme-v02.api.letsencrypt.org/directory", (*urls)[1].c_str());
}

TEST(CaValues, CaNotAUrlOrPlainHttpRefused) {
  // test_300_01[ca-not-a-url], [ca-plain-http], [ca-failover-not-a-url]
  STRCMP_EQUAL((std::string("ACMECertificateAuthority: 'not-a-url' ") + kNotUrl).c_str(),
               cas_refusal({"not-a-url"}).c_str());
  STRCMP_EQUAL(
      (std::string("ACMECertificateAuthority: 'http://insecure.test/dir' ") + kNotUrl).c_str(),
      cas_refusal({"http://insecure.test/dir"}).c_str());
  STRCMP_EQUAL((std::string("ACMECertificateAuthority: 'not-a-url' ") + kNotUrl).c_str(),
               cas_refusal({"https://127.0.0.1:9/dir", "not-a-url"}).c_str());
  CHECK(contains(cas_refusal({"https://"}), "'https://' is neither"));
}

TEST(CaValues, CaListedTwiceRefused) {
  // test_300_01[ca-listed-twice], [ca-listed-twice-trailing-slash]
  STRCMP_EQUAL("ACMECertificateAuthority: 'letsencrypt' is listed twice; list each CA once",
               cas_refusal({"letsencrypt", "letsencrypt"}).c_str());
  STRCMP_EQUAL(
      "ACMECertificateAuthority: 'https://127.0.0.1:9/dir/' is listed twice; list each CA once",
      cas_refusal({"https://127.0.0.1:9/dir", "https://127.0.0.1:9/dir/"}).c_str());
}

TEST(CaValues, CaWithoutArgument) {
  STRCMP_EQUAL("ACMECertificateAuthority needs a directory URL or a known CA name",
               cas_refusal({}).c_str());
}

TEST(CaValues, ReadableFileResolvedAgainstServerRoot) {
  TempRoot root;
  const std::string path = root.put("roots.pem", "PEM", 0644);
  auto taken = parse_readable_file("roots.pem", root.resolver());
  CHECK(taken.ok());
  STRCMP_EQUAL(path.c_str(), taken->c_str());
}

TEST(CaValues, MissingFileRefused) {
  // test_300_01[cafile-missing], [trustanchor-missing]
  TempRoot root;
  for (const char* directive : {"ACMECACertificateFile", "ACMETrustAnchorFile"}) {
    STRCMP_EQUAL(
        (std::string(directive) +
         ": '/nonexistent.pem' is not a readable file; give the path of a PEM file "
         "with CA certificates")
            .c_str(),
        refusal(directive, parse_readable_file("/nonexistent.pem", root.resolver())).c_str());
  }
  auto unresolved = parse_readable_file("x.pem", [](const std::string&) { return ""; });
  CHECK(!unresolved.ok());
}

TEST(CaValues, TermsAgreedOnly) {
  CHECK(parse_terms("agreed").ok());
  CHECK(parse_terms("AGREED").ok());
  // test_300_01[tos-maybe]
  STRCMP_EQUAL(
      "ACMETermsOfService: 'maybe' is not understood; after reading the CA's terms of service "
      "write 'ACMETermsOfService agreed'",
      refusal("ACMETermsOfService", parse_terms("maybe")).c_str());
}

TEST(CaValues, ContactEmail) {
  STRCMP_EQUAL("admin@example.org", parse_contact("admin@example.org")->c_str());
  STRCMP_EQUAL("mailto:a@b.org", parse_contact("mailto:a@b.org")->c_str());
  // test_300_01[email-invalid]
  STRCMP_EQUAL(
      "ACMEContactEmail: 'not-an-email' is not an e-mail address; write e.g. 'ACMEContactEmail "
      "admin@example.org'",
      refusal("ACMEContactEmail", parse_contact("not-an-email")).c_str());
  for (const char* bad : {"@example.org", "a@b", "a b@c.org", "a@b.org,c@d.org", "mailto:x.org"})
    CHECK_TEXT(!parse_contact(bad).ok(), bad);
}

TEST(CaValues, EabKidAndKey) {
  const std::string key = kPebbleKey;
  auto eab = parse_eab_directive("kid-1", key.c_str(), nullptr);
  CHECK(eab.ok());
  STRCMP_EQUAL("kid-1", eab->kid.c_str());
  LONGS_EQUAL(48, eab->hmac_key.size());
  // Standard base64 with padding, as some CAs print it.
  const std::string padded = "wMHCw8TFxsfIycrLzM3Oz9DR0tPU1dbX2Nna29zd3t/g4eLj5OXm5w==";
  auto from_padded = parse_eab_directive("kid-1", padded.c_str(), nullptr);
  CHECK(from_padded.ok());
  LONGS_EQUAL(40, from_padded->hmac_key.size());
}

TEST(CaValues, EabBadKeyNamedByItsKidNeverShown) {
  // test_300_01[eab-key-not-base64], [eab-key-too-short]; test_300_05
  for (const std::string key :
       {"zWND!M6eQGHWpSRT", "c2hvcnQ", "zWND!M6eQGHWpSRTPal5eIUYFTu7EajVIoguysqZ9wG44nMEtx3M",
        "c2VjcmV0LWtleQ",
        "U2VjcmV0S2V5TWF0ZXJpYWxGb3JUZXN0cw=", "s3cr3tKEYs3cr3tKEY+s3cr3t_KEYs3cr3tKEY"}) {
    const std::string text = eab_refusal("kid-1", key);
    CHECK_TEXT(
        text.rfind("ACMEExternalAccountBinding: the HMAC key given for key id 'kid-1' ", 0) == 0,
        text.c_str());
    for (std::size_t i = 0; i + 7 <= key.size(); ++i)
      CHECK_TEXT(!contains(text, key.substr(i, 7)), text.c_str());
  }
}

TEST(CaValues, EabBadKidNamed) {
  const std::string text = eab_refusal("kid 1", kPebbleKey);
  CHECK_TEXT(text.rfind("ACMEExternalAccountBinding: 'kid 1' ", 0) == 0, text.c_str());
  CHECK(!contains(text, std::string(kPebbleKey).substr(0, 7)));
}

TEST(CaValues, EabFile) {
  TempRoot root;
  root.put("eab.json", std::string("{\"kid\": \"kid-1\", \"hmac_key\": \"") + kPebbleKey + "\"}",
           0600);
  auto eab = parse_eab_directive("eab.json", nullptr, root.resolver());
  CHECK(eab.ok());
  STRCMP_EQUAL("kid-1", eab->kid.c_str());
}

TEST(CaValues, EabFileMissingOrReadableByOthersRefused) {
  // test_300_01[eab-file-missing]
  TempRoot root;
  const std::string missing =
      refusal("ACMEExternalAccountBinding",
              parse_eab_directive("/nonexistent-eab.json", nullptr, root.resolver()));
  CHECK_TEXT(missing.rfind("ACMEExternalAccountBinding: '/nonexistent-eab.json' ", 0) == 0,
             missing.c_str());
  // test_300_07
  const std::string path = root.put(
      "eab.json", std::string("{\"kid\": \"kid-1\", \"hmac_key\": \"") + kPebbleKey + "\"}", 0644);
  const std::string open = refusal("ACMEExternalAccountBinding",
                                   parse_eab_directive("eab.json", nullptr, root.resolver()));
  CHECK_TEXT(contains(open, "ACMEExternalAccountBinding: 'eab.json' "), open.c_str());
  CHECK_TEXT(contains(open, "chmod 600 " + path), open.c_str());
  CHECK(!contains(open, std::string(kPebbleKey).substr(0, 7)));
  // test_300_06: a bad key in the file names the member, never the key.
  const std::string bad_key = "zWND!M6eQGHWpSRTPal5eIUYFTu7EajVIoguysqZ9wG44nMEtx3M";
  root.put("bad.json", "{\"kid\": \"kid-1\", \"hmac_key\": \"" + bad_key + "\"}", 0600);
  const std::string bad = refusal("ACMEExternalAccountBinding",
                                  parse_eab_directive("bad.json", nullptr, root.resolver()));
  CHECK_TEXT(contains(bad, "hmac_key"), bad.c_str());
  for (std::size_t i = 0; i + 7 <= bad_key.size(); ++i)
    CHECK_TEXT(!contains(bad, bad_key.substr(i, 7)), bad.c_str());
}

TEST(CaValues, Profile) {
  auto plain = parse_profile("tlsserver", nullptr);
  CHECK(plain.ok() && plain->name == "tlsserver" && !plain->mandatory);
  CHECK(parse_profile("tlsserver", "Mandatory")->mandatory);
}

TEST(CaValues, ProfileBadNameOrFlagRefused) {
  // test_300_01[profile-bad-name], [profile-flag-word]
  STRCMP_EQUAL(
      "ACMEProfile: 'tls/server' is not a profile name; use a name from the CA's directory "
      "(meta.profiles), e.g. 'ACMEProfile tlsserver'",
      refusal("ACMEProfile", parse_profile("tls/server", nullptr)).c_str());
  CHECK(!parse_profile("", nullptr).ok());
  CHECK(!parse_profile(std::string(65, 'a'), nullptr).ok());
  STRCMP_EQUAL(
      "ACMEProfile: 'sometimes' is not understood; write 'ACMEProfile NAME' or 'ACMEProfile NAME "
      "mandatory' (no order without that profile)",
      refusal("ACMEProfile", parse_profile("tlsserver", "sometimes")).c_str());
}

TEST(CaValues, PreferredChain) {
  STRCMP_EQUAL("ISRG Root X1", parse_preferred_chain("ISRG Root X1")->c_str());
  // test_300_01[preferredchain-empty]
  STRCMP_EQUAL("ACMEPreferredChain: '' is empty; name the issuer, e.g. 'ISRG Root X1'",
               refusal("ACMEPreferredChain", parse_preferred_chain("")).c_str());
}
