#!/usr/bin/env python3
"""Cross-checks Sluice's generated codec against Apache Kafka's Java message classes.

Writes every generated message (every supported version, several seeds, every field
filled) with `protocol_corpus messages`, then has JavaCodecCheck.java parse each one with
Kafka's classes and re-encode it. Fails unless Kafka reads every byte, finds no unknown
tagged field and writes back identical bytes.

usage: java_compat_test.py --corpus-tool PATH --kafka-libs DIR
"""

import argparse
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--corpus-tool", required=True)
    p.add_argument("--kafka-libs", required=True, help="directory holding kafka-clients jar")
    p.add_argument("--seeds", default="3")
    args = p.parse_args()
    java = shutil.which("java")
    if java is None:
        print("java not found", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory(prefix="sluice-java-compat-") as tmp:
        subprocess.run([args.corpus_tool, "messages", tmp, args.seeds], check=True, timeout=120)
        count = len([f for f in os.listdir(tmp) if f.endswith(".bin")])
        print(f"wrote {count} encoded messages")
        classpath = os.path.join(args.kafka_libs, "*")
        result = subprocess.run(
            [java, "-cp", classpath, os.path.join(HERE, "JavaCodecCheck.java"), tmp],
            timeout=300)
        return result.returncode


if __name__ == "__main__":
    sys.exit(main())
