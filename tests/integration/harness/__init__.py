"""Harness for mod_acme's integration tests: real httpd, real pebble, all on 127.0.0.1.

Modules:
  ports   free TCP ports on 127.0.0.1 (and 127.0.0.2-4 for the cluster's nodes)
  procs   starting and stopping processes we own (by pid, never by name)
  certs   throwaway CAs and certificates (make_ca, make_leaf), the CA listeners' certs
  pebble  pebble + pebble-challtestsrv (DNS only), bound to 127.0.0.1
  httpd   a private ServerRoot, a generated httpd.conf, start/stop/check
  client  what a client sees: served chain (openssl s_client), HTTP(S) requests
  acmectl the admin tool ($ACMECTL, else next to $MOD_ACME_SO)
  browser headless Chromium: a page's DOM and text as a person sees it
  etcd    a real etcd: one member, or a three-member cluster (EtcdCluster)
  haproxy HAProxy on 127.0.0.1, TCP mode, round robin, in front of the nodes
  cluster three httpd nodes on 127.0.0.2-4 behind HAProxy, an etcd cluster and a
          pebble validating through HAProxy (issue 10's tests)
"""
