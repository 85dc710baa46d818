#include "acme/eab.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>

#include "crypto/base64url.h"
#include "crypto/jwk.h"
#include "crypto/jws.h"
#include "json/json.h"

namespace acme {

namespace {

constexpr std::size_t kMaxKidLength = 512;
constexpr off_t kMaxEabFileBytes = 64 * 1024;
// RFC 7518 §3.2 wants 32 bytes for HS256; below 16 it is surely a cut paste.
constexpr std::size_t kMinHmacKeyBytes = 16;
constexpr const char kKeyFix[] =
    "; paste the HMAC key exactly as your CA shows it (base64url, or base64 with = padding)";

bool is_alnum(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

Status bad_key(const std::string& why) {
  return Status(Code::kInvalidArgument, "is not an HMAC key: " + why + kKeyFix);
}

// Checks the alphabet and padding; returns the text in base64url, unpadded.
Result<std::string> to_base64url(const std::string& text) {
  std::string body = text;
  std::size_t padding = 0;
  while (!body.empty() && body.back() == '=') {
    body.pop_back();
    ++padding;
  }
  if (body.empty()) return bad_key("it is empty");
  if (padding > 2) return bad_key("it ends in more than two '='");
  bool url_chars = false, std_chars = false;
  for (std::size_t i = 0; i < body.size(); ++i) {
    char c = body[i];
    url_chars = url_chars || c == '-' || c == '_';
    std_chars = std_chars || c == '+' || c == '/';
    if (!is_alnum(c) && c != '-' && c != '_' && c != '+' && c != '/') {
      // The position, never the character: the key is a secret.
      return bad_key("the character at position " + std::to_string(i + 1) +
                     " is neither base64url nor base64");
    }
  }
  if (url_chars && std_chars) return bad_key("it mixes base64url ('-', '_') and base64 ('+', '/')");
  if (padding > 0 && (body.size() + padding) % 4 != 0) {
    return bad_key("its '=' padding does not fit its length (cut short?)");
  }
  for (char& c : body) {
    if (c == '+') c = '-';
    if (c == '/') c = '_';
  }
  return body;
}

}  // namespace

Status check_eab_kid(const std::string& kid) {
  if (kid.empty()) return Status(Code::kInvalidArgument, "is not a key id: it is empty");
  if (kid.size() > kMaxKidLength) {
    return Status(Code::kInvalidArgument, "is not a key id: longer than 512 characters");
  }
  for (char c : kid) {
    if (c < 0x21 || c > 0x7e) {
      return Status(Code::kInvalidArgument,
                    "is not a key id: it may hold only visible ASCII characters; copy the "
                    "key id (KID) exactly as your CA shows it");
    }
  }
  return Status::ok_status();
}

Result<std::string> decode_eab_hmac_key(const std::string& text) {
  Result<std::string> url = to_base64url(text);
  ACME_RETURN_IF_ERROR(url);
  Result<std::string> raw = base64url_decode(*url);
  if (!raw.ok()) return bad_key("its length is impossible for base64 (cut short?)");
  if (raw->size() < kMinHmacKeyBytes) {
    return bad_key("it decodes to " + std::to_string(raw->size()) +
                   " bytes, too short for HS256 (CAs issue 32 bytes or more)");
  }
  return raw;
}

Result<ExternalAccountBinding> parse_eab(const std::string& kid, const std::string& key_text) {
  ACME_RETURN_IF_ERROR(check_eab_kid(kid));
  Result<std::string> key = decode_eab_hmac_key(key_text);
  ACME_RETURN_IF_ERROR(key);
  return ExternalAccountBinding{kid, std::move(*key)};
}

Result<ExternalAccountBinding> parse_eab_json(const std::string& json_text) {
  Result<Json> json = Json::parse(json_text);
  if (!json.ok() || !json->is_object()) {
    return Status(Code::kInvalidArgument,
                  "is not a JSON object like {\"kid\": \"...\", \"hmac_key\": \"...\"}");
  }
  Result<std::string> kid = json->get_string("kid");
  Result<std::string> key = json->get_string("hmac_key");
  if (!kid.ok() || !key.ok()) {
    return Status(Code::kInvalidArgument,
                  "lacks the string member \"" + std::string(kid.ok() ? "hmac_key" : "kid") +
                      "\"; write {\"kid\": \"...\", \"hmac_key\": \"...\"}");
  }
  Result<ExternalAccountBinding> eab = parse_eab(*kid, *key);
  if (!eab.ok()) {
    const char* member = check_eab_kid(*kid).ok() ? "hmac_key" : "kid";
    return Status(Code::kInvalidArgument,
                  std::string("has a \"") + member + "\" that " + eab.status().message());
  }
  return eab;
}

// The file holds a secret: one that group or others may read is refused
// rather than used (as ssh refuses a private key others can read).
Result<ExternalAccountBinding> read_eab_file(const std::string& path) {
  const Status unreadable(Code::kNotFound,
                          "is not a readable file; give the path of a JSON file "
                          "{\"kid\": \"...\", \"hmac_key\": \"...\"} or write "
                          "'ACMEExternalAccountBinding KID HMAC-KEY'");
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0) return unreadable;
  struct stat st;
  std::string text;
  bool ok = fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size <= kMaxEabFileBytes;
  if (ok && (st.st_mode & 077) == 0) {
    char buf[4096];
    ssize_t got;
    while ((got = read(fd, buf, sizeof buf)) > 0) text.append(buf, got);
    ok = got == 0;
  }
  close(fd);
  if (!ok) return unreadable;
  if (st.st_mode & 077) {
    char mode[8];
    snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(st.st_mode & 07777));
    return Status(Code::kInvalidArgument,
                  std::string("is readable by group or others (mode ") + mode +
                      ") but holds a secret HMAC key: run 'chmod 600 " + path + "'");
  }
  return parse_eab_json(text);
}

// RFC 8555 §7.3.4.
Result<std::string> eab_jws(const ExternalAccountBinding& eab, const PrivateKey& account_key,
                            const std::string& new_account_url) {
  Result<std::string> jwk = jwk_json(account_key);
  ACME_RETURN_IF_ERROR(jwk);
  return jws_sign_hs256(eab.hmac_key, eab.kid, new_account_url, *jwk);
}

}  // namespace acme
