"""The operator's Kubernetes client against the real API server: bearer-token authentication
with the CA given inline (certificate-authority-data), the minimal namespaced RBAC listed in
operator/README.md, and TLS verification that refuses a server its CA did not sign."""

from __future__ import annotations

import base64
import subprocess
import time

from k8s_harness import Cluster, wait_until
from operator_harness import make_cluster, wait_ready

RBAC = """apiVersion: v1
kind: ServiceAccount
metadata: {{name: sluice-operator, namespace: {ns}}}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {{name: sluice-operator, namespace: {ns}}}
rules:
- apiGroups: [sluice.dev]
  resources: [sluiceclusters]
  verbs: [get, list, watch]
- apiGroups: [sluice.dev]
  resources: [sluiceclusters/status]
  verbs: [patch]
- apiGroups: [sluice.dev]
  resources: [sluicetopics]
  verbs: [get, list, watch, update]
- apiGroups: [sluice.dev]
  resources: [sluicetopics/status]
  verbs: [patch]
- apiGroups: [apps]
  resources: [statefulsets]
  verbs: [get, list, watch, create, patch]
- apiGroups: [""]
  resources: [services, configmaps, serviceaccounts]
  verbs: [get, list, watch, create, patch]
- apiGroups: [policy]
  resources: [poddisruptionbudgets]
  verbs: [get, list, watch, create, patch]
- apiGroups: [""]
  resources: [pods]
  verbs: [list]
- apiGroups: [""]
  resources: [events]
  verbs: [create]
- apiGroups: [coordination.k8s.io]
  resources: [leases]
  verbs: [get, create, update]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {{name: sluice-operator, namespace: {ns}}}
roleRef: {{apiGroup: rbac.authorization.k8s.io, kind: Role, name: sluice-operator}}
subjects:
- {{kind: ServiceAccount, name: sluice-operator, namespace: {ns}}}
"""


def server_of(k8s: Cluster) -> str:
    return k8s.kubectl("config", "view", "--minify", "-o",
                       "jsonpath={.clusters[0].cluster.server}").stdout.strip()


def token_kubeconfig(path, server: str, ca_pem: bytes, token: str) -> None:
    path.write_text(f"""apiVersion: v1
kind: Config
clusters:
- name: test
  cluster:
    server: {server}
    certificate-authority-data: {base64.b64encode(ca_pem).decode()}
users:
- name: operator
  user:
    token: {token}
contexts:
- name: operator
  context:
    cluster: test
    user: operator
    namespace: ignored-by-the-operator
current-context: operator
""")


def test_token_auth_with_minimal_rbac(k8s, namespace, operator_factory, tmp_path):
    k8s.apply(RBAC.format(ns=namespace))
    token = k8s.kubectl("-n", namespace, "create", "token", "sluice-operator",
                        "--duration=1h").stdout.strip()
    kubeconfig = tmp_path / "token.kubeconfig"
    token_kubeconfig(kubeconfig, server_of(k8s), (k8s.workdir / "pki" / "ca.crt").read_bytes(),
                     token)
    # operator_factory passes the cluster's admin kubeconfig first; a later flag wins.
    op = operator_factory("--namespace", namespace, "--kubeconfig", str(kubeconfig),
                          "--lease-name", "sluice-op")
    make_cluster(k8s, namespace, "rbac", brokers=1)
    wait_ready(k8s, namespace, "rbac", 1)
    lease = k8s.get_json("-n", namespace, "lease/sluice-op")
    assert lease["spec"]["holderIdentity"]
    assert op.metric_sum("sluice_operator_reconcile_errors_total") == 0, op.log()[-2000:]
    assert "forbidden" not in op.log().lower(), op.log()[-2000:]


def test_tls_verification_refuses_a_server_signed_by_another_ca(k8s, namespace,
                                                                 operator_factory, tmp_path):
    key, cert = tmp_path / "other-ca.key", tmp_path / "other-ca.crt"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                    "-subj", "/CN=not-the-cluster-ca", "-keyout", str(key), "-out", str(cert)],
                   check=True, capture_output=True, timeout=60)
    kubeconfig = tmp_path / "wrong-ca.kubeconfig"
    token_kubeconfig(kubeconfig, server_of(k8s), cert.read_bytes(), "irrelevant")
    op = operator_factory("--namespace", namespace, "--kubeconfig", str(kubeconfig),
                          "--leader-election", "off")
    wait_until(lambda: "list failed" in op.log(), 30, "the informer's first list to fail")
    assert "certificate" in op.log().lower() or "handshake" in op.log().lower(), op.log()[-2000:]
    make_cluster(k8s, namespace, "untrusted", brokers=1)
    time.sleep(3)
    assert k8s.kubectl("-n", namespace, "get", "statefulset/untrusted",
                       check=False).returncode != 0  # nothing was done over the untrusted link
    assert op.running()
