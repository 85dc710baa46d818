# The oldest versions mod_acme builds against, checked at configure time so a
# build on an older system fails here, naming what is missing and the version
# needed, rather than later with a compiler error (README "Building elsewhere").
#
#   httpd    2.4.48  the core hooks mod_ssl offers other modules (http_ssl.h, MMN 20120211.105):
#                    ssl_add_cert_files, ssl_add_fallback_cert_files, ssl_answer_challenge,
#                    ssl_ocsp_prime_hook, ssl_ocsp_get_resp_hook, ap_ssl_conn_is_ssl,
#                    ap_ssl_var_lookup; and mod_watchdog's ap_watchdog_set_callback_interval
#   OpenSSL  3.0     EVP_PKEY_get_bn_param, OSSL_PKEY_PARAM_*, EVP_PKEY_get_base_id
#   libcurl  7.66.0  curl_multi_poll (7.66); CURLOPT_PROTOCOLS_STR (7.85) with a fallback to
#                    CURLOPT_PROTOCOLS below it (http/curl_protocols.h); CURLPIPE_MULTIPLEX and
#                    CURLOPT_PIPEWAIT (7.43), CURL_HTTP_VERSION_2TLS (7.47)
#   jansson  2.7     json_stringn, json_string_length (2.7); JSON_DECODE_ANY (2.3)
set(ACME_HTTPD_MIN 2.4.48)
set(ACME_HTTPD_MMN_MAJOR 20120211)
set(ACME_HTTPD_MMN_MINOR 105)
set(ACME_OPENSSL_MIN 3.0)
set(ACME_CURL_MIN 7.66.0)
set(ACME_JANSSON_MIN 2.7)

# httpd: the module magic number says which hooks the headers declare; a
# distribution's backport shows in it too, a version string would not.
function(acme_check_httpd includedir)
  set(mmn_h "${includedir}/ap_mmn.h")
  if(NOT EXISTS "${mmn_h}")
    message(FATAL_ERROR "mod_acme: ${mmn_h} not found: httpd ${ACME_HTTPD_MIN} or later "
                        "with its development headers is needed (apache2-dev, httpd-devel)")
  endif()
  file(STRINGS "${mmn_h}" major REGEX "^#define MODULE_MAGIC_NUMBER_MAJOR ")
  file(STRINGS "${mmn_h}" minor REGEX "^#define MODULE_MAGIC_NUMBER_MINOR ")
  string(REGEX MATCH "[0-9]+" major "${major}")
  string(REGEX MATCH "[0-9]+" minor "${minor}")
  if(NOT major EQUAL ACME_HTTPD_MMN_MAJOR OR minor LESS ACME_HTTPD_MMN_MINOR
     OR NOT EXISTS "${includedir}/http_ssl.h")
    message(FATAL_ERROR "mod_acme: the httpd headers in ${includedir} (module magic number "
            "${major}.${minor}) lack the mod_ssl hooks of http_ssl.h (ssl_add_cert_files, "
            "ssl_answer_challenge, ssl_ocsp_prime_hook...): httpd ${ACME_HTTPD_MIN} or later "
            "(MMN ${ACME_HTTPD_MMN_MAJOR}.${ACME_HTTPD_MMN_MINOR}) is needed")
  endif()
  file(STRINGS "${includedir}/mod_watchdog.h" interval REGEX "ap_watchdog_set_callback_interval")
  if(NOT interval)
    message(FATAL_ERROR "mod_acme: ${includedir}/mod_watchdog.h does not declare "
            "ap_watchdog_set_callback_interval: an httpd 2.4 with it is needed "
            "(${ACME_HTTPD_MIN} or later)")
  endif()
  message(STATUS "mod_acme: httpd headers with MMN ${major}.${minor} (needed: "
                 "${ACME_HTTPD_MMN_MAJOR}.${ACME_HTTPD_MMN_MINOR}, httpd ${ACME_HTTPD_MIN})")
endfunction()

function(acme_check_min what found needed hint)
  if(NOT found OR found VERSION_LESS needed)
    message(FATAL_ERROR "mod_acme: ${what} ${needed} or later is needed, found "
                        "'${found}' (${hint})")
  endif()
  message(STATUS "mod_acme: ${what} ${found} (needed: ${needed})")
endfunction()

function(acme_check_libraries)
  acme_check_min(OpenSSL "${OPENSSL_VERSION}" ${ACME_OPENSSL_MIN} "libssl-dev, openssl-devel")
  acme_check_min(libcurl "${CURL_VERSION_STRING}" ${ACME_CURL_MIN}
                 "libcurl4-openssl-dev, libcurl-devel")
  acme_check_min(jansson "${JANSSON_VERSION}" ${ACME_JANSSON_MIN} "libjansson-dev, jansson-devel")
endfunction()
