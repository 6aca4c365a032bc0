#!/usr/bin/env python3
"""Unit tests for common/kafka/protocol/codegen (the protocol code generator).

usage: codegen_test.py --jar kafka-clients.jar
"""

import argparse
import os
import sys
import tempfile
import unittest

sys.dont_write_bytecode = True
REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", "..", ".."))
sys.path.insert(0, os.path.join(REPO, "common", "kafka", "protocol", "codegen"))

import generate  # noqa: E402
from spec import Field, SpecError, Versions, load_json, snake_case, strip_comments  # noqa: E402

JAR = None


class SpecParsingTest(unittest.TestCase):
    def test_comments_are_stripped_outside_strings_only(self):
        text = '// header\n{ "a": "http://x/*y*/", /* block */ "b": 1 } // tail'
        self.assertEqual(load_json(text, "t"), {"a": "http://x/*y*/", "b": 1})
        self.assertEqual(strip_comments('"\\"//"'), '"\\"//"')

    def test_snake_case(self):
        self.assertEqual(snake_case("ThrottleTimeMs"), "throttle_time_ms")
        self.assertEqual(snake_case("ApiVersions"), "api_versions")
        self.assertEqual(snake_case("IsKRaftController"), "is_k_raft_controller")
        self.assertEqual(snake_case("TopicId"), "topic_id")

    def test_keyword_field_names_get_a_suffix(self):
        f = Field({"name": "Operator", "type": "int8", "versions": "0+"}, "X")
        self.assertEqual(f.cpp_name, "operator_")

    def test_versions(self):
        self.assertTrue(Versions.parse("none", "t").empty())
        v = Versions.parse("3+", "t")
        self.assertTrue(v.contains(3) and v.contains(100) and not v.contains(2))
        self.assertEqual(repr(Versions.parse("2-5", "t").subtract(Versions.parse("4+", "t"))[0]),
                         "2-3")
        with self.assertRaises(SpecError):
            Versions.parse("x", "t")

    def test_unknown_field_attributes_are_rejected(self):
        with self.assertRaises(SpecError):
            Field({"name": "A", "type": "int8", "versions": "0+", "newThing": 1}, "X")

    def test_primitives_cannot_be_nullable(self):
        with self.assertRaises(SpecError):
            Field({"name": "A", "type": "int32", "versions": "0+", "nullableVersions": "0+"}, "X")


class ConfigTest(unittest.TestCase):
    def resolve(self, api):
        return generate.resolve_apis({"apis": [api]}, generate.Jar(JAR))

    def test_min_version_is_clamped_to_the_spec(self):
        (api,) = self.resolve({"name": "ListOffsets", "key": 2, "minVersion": 0, "maxVersion": 7})
        self.assertEqual(repr(api.request.supported), "1-7")

    def test_max_version_beyond_the_spec_fails(self):
        with self.assertRaisesRegex(SpecError, "outside"):
            self.resolve({"name": "Heartbeat", "key": 12, "maxVersion": 99})

    def test_unstable_latest_version_fails(self):
        with self.assertRaisesRegex(SpecError, "unstable"):
            self.resolve({"name": "OffsetCommit", "key": 8, "maxVersion": 10})

    def test_wrong_key_fails(self):
        with self.assertRaisesRegex(SpecError, "key"):
            self.resolve({"name": "Heartbeat", "key": 13, "maxVersion": 4})

    def test_generates_exactly_the_listed_files(self):
        config = os.path.join(REPO, "common", "kafka", "protocol", "apis.json")
        cfg = generate.load_config(config)
        with tempfile.TemporaryDirectory() as out:
            generate.generate(cfg, JAR, out)
            written = sorted(os.path.relpath(os.path.join(d, f), out)
                             for d, _, files in os.walk(out) for f in files)
        listed = generate.outputs(cfg)
        self.assertEqual(written, sorted(listed["lib"] + listed["test"]))


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--jar", required=True)
    args, rest = parser.parse_known_args()
    JAR = args.jar
    unittest.main(argv=[sys.argv[0]] + rest)
