"""Harness for mod_acme's integration tests: real httpd, real pebble, all on 127.0.0.1.

Modules:
  ports   free TCP ports on 127.0.0.1
  procs   starting and stopping processes we own (by pid, never by name)
  certs   a throwaway root and a localhost certificate for the CA listeners
  pebble  pebble + pebble-challtestsrv (DNS only), bound to 127.0.0.1
  httpd   a private ServerRoot, a generated httpd.conf, start/stop/check
  client  what a client sees: served chain (openssl s_client), HTTP(S) requests
"""
