"""Harness for mod_acme's integration tests: real httpd, real pebble, all on 127.0.0.1.

Modules:
  ports   free TCP ports on 127.0.0.1
  procs   starting and stopping processes we own (by pid, never by name)
  certs   throwaway CAs and certificates (make_ca, make_leaf), the CA listeners' certs
  pebble  pebble + pebble-challtestsrv (DNS only), bound to 127.0.0.1
  httpd   a private ServerRoot, a generated httpd.conf, start/stop/check
  client  what a client sees: served chain (openssl s_client), HTTP(S) requests
  acmectl the admin tool ($ACMECTL, else next to $MOD_ACME_SO)
  browser headless Chromium: a page's DOM and text as a person sees it
"""
